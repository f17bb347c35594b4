// NodeMCU HAL: WS2812 strip, WiFi + MQTT (or UART with stream framing), a millisecond clock and
// the render timer, around firmware/core. Compiled by typescript-to-lua (Lua 5.1 + bit on
// ESP8266, Lua 5.3 on ESP32) and saved as init.lua; firmware/build.ts prepends `PL = {...}`, the
// board profile and the user's flash-time config.
import { Core } from '../../core/core.ts';
import type { Strip } from '../../core/output.ts';
import { cobsEncode, Deframer } from '../../../protocol/codec/cobs.ts';
import type { DecodeError } from '../../../protocol/codec/errors.ts';
import { HEADER_SIZE, MSG } from '../../../protocol/codec/types.ts';
import type { BakedConfig, LedBuffer, MqttClient, StationConfig, Timer, Ws2812WriteOptions } from './api.ts';

declare const PL: BakedConfig;

/** @noSelf */
declare namespace ws2812 {
  function init(): void;
  function newBuffer(count: number, channels: number): LedBuffer;
  function write(data: LedBuffer | Ws2812WriteOptions): void;
}

/** @noSelf */
declare namespace tmr {
  const ALARM_AUTO: number;
  function now(): number;
  function create(): Timer;
}

/** @noSelf */
declare namespace node {
  /** ESP32: microseconds since boot. */
  function uptime(): number;
}

/** @noSelf */
declare namespace mqtt {
  function Client(clientId: string, keepalive: number, user: string, password: string): MqttClient;
}

/** @noSelf */
declare namespace wifi {
  const STATION: number;
  function setmode(mode: number): void;
  function mode(mode: number): void;
  function start(): void;
  namespace sta {
    function config(cfg: StationConfig, save: boolean): void;
  }
}

/** @noSelf */
declare namespace uart {
  function on(event: string, count: number, cb: (this: void, data: string) => void, runInput: number): void;
  function write(id: number, data: string): void;
  function setup(id: number, baud: number, bits: number, parity: number, stop: number, echo: number): void;
}

const esp32 = PL.chip === 'esp32';

// Clock: milliseconds from the microsecond counter, which wraps (2^31 on ESP8266).
let ms = 0;
let usLeft = 0;
let lastUs = esp32 ? node.uptime() : tmr.now();
function now(): number {
  const us = esp32 ? node.uptime() : tmr.now();
  let d = us - lastUs;
  if (d < 0) d = d + 2147483648;
  lastUs = us;
  usLeft = usLeft + d;
  ms = ms + Math.floor(usLeft / 1000);
  usLeft = usLeft % 1000;
  return ms;
}

// Strip: bytes in the chip's order (colorOrder such as "GRB"), written from a C-side buffer.
function channel(letter: number): number {
  return letter === 82 ? 0 : letter === 71 ? 1 : 2; // R, G, else B
}
const o0 = channel(PL.colorOrder.charCodeAt(0));
const o1 = channel(PL.colorOrder.charCodeAt(1));
const o2 = channel(PL.colorOrder.charCodeAt(2));
function pick(k: number, r: number, g: number, b: number): number {
  return k === 0 ? r : k === 1 ? g : b;
}
if (!esp32) ws2812.init();
const leds = ws2812.newBuffer(PL.ledCount, 3);
const strip: Strip = {
  set: (i: number, r: number, g: number, b: number) => leds.set(i + 1, pick(o0, r, g, b), pick(o1, r, g, b), pick(o2, r, g, b)),
  show: () => (esp32 ? ws2812.write({ pin: PL.pin, data: leds }) : ws2812.write(leds)),
};

const serial = PL.transport === 'serial';
const base = PL.topic + '/' + PL.boardId + '/';
let client: MqttClient | undefined;
let connected = false;
let lastTry = -100000;

function send(frame: string): void {
  if (serial) {
    const bytes: number[] = [];
    for (let i = 0; i < frame.length; i++) bytes.push(frame.charCodeAt(i));
    const enc = cobsEncode(bytes);
    let s = '';
    for (let i = 0; i < enc.length; i++) s = s + String.fromCharCode(enc[i]);
    uart.write(0, s + String.fromCharCode(0));
  } else if (client !== undefined && connected) {
    client.publish(base + (frame.charCodeAt(HEADER_SIZE) === MSG.RESYNC ? 'resync' : 'hello'), frame, 0, 0);
  }
}

const core = new Core(
  {
    boardId: PL.boardId,
    profile: PL.profile,
    ledCount: PL.ledCount,
    maxFrame: PL.maxFrame,
    brightness: PL.brightness,
    layout: PL.layout,
    currentCap: PL.currentCap,
    maPerChannel: PL.maPerChannel,
    fps: PL.fps,
    stream: serial,
  },
  strip,
  send,
  now(),
);

// Retained snapshots (MQTT) and the serial line both carry COBS stream framing. A broken block
// is handed to the core as an empty frame so it is counted (and, on serial, resynced) like any
// bad frame.
const deframer = new Deframer(
  (frame: string) => core.receive(frame, now()),
  (_e: DecodeError) => core.receive('', now()),
  PL.maxFrame,
);

function connect(): void {
  lastTry = now();
  const c = mqtt.Client(PL.boardId, 30, PL.mqttUser, PL.mqttPassword);
  client = c;
  c.on('offline', () => {
    connected = false;
  });
  c.on('message', (_c: MqttClient, topic: string, data: string) => {
    if (topic === base + 'frames') core.receive(data, now());
    else if (topic === base + 'snapshot') deframer.push(data);
    else if (data === 'online') core.hello(now());
  });
  c.connect(
    PL.mqttHost,
    PL.mqttPort,
    false,
    (cc: MqttClient) => {
      connected = true;
      const topics: { [topic: string]: number } = {};
      topics[base + 'frames'] = 0;
      topics[base + 'snapshot'] = 0;
      topics[PL.topic + '/bridge/state'] = 0;
      cc.subscribe(topics, () => core.hello(now()));
    },
    () => {
      connected = false;
    },
  );
}

if (serial) {
  uart.setup(0, 115200, 8, 0, 1, 0);
  uart.on('data', 0, (data: string) => deframer.push(data), 0);
  core.hello(now());
} else if (esp32) {
  wifi.mode(wifi.STATION);
  wifi.sta.config({ ssid: PL.ssid, pwd: PL.password, auto: true }, true);
  wifi.start();
} else {
  wifi.setmode(wifi.STATION);
  wifi.sta.config({ ssid: PL.ssid, pwd: PL.password, auto: true }, true);
}

// One timer does everything: (re)connect every 5 s while offline, resyncs, rendering.
tmr.create().alarm(20, tmr.ALARM_AUTO, () => {
  const t = now();
  if (!serial && !connected && t - lastTry >= 5000) connect();
  core.tick(t);
});

export const board = core;
