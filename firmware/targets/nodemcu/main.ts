// NodeMCU HAL: WS2812 strip, WiFi + MQTT (or UART with stream framing), a millisecond clock and
// the render timer, around firmware/core. Compiled by typescript-to-lua (Lua 5.1 + bit on
// ESP8266, Lua 5.3 on ESP32); firmware/build.ts prepends `PL = {...}`, the board profile. WiFi,
// broker and board id come from the file podlights.cfg on the board (`podlights provision`);
// `podlights flash` uploads this as podlights.lua, compiles it on the board (node.compile) and
// writes an init.lua that runs podlights.lc.
import { Clock } from '../../core/clock.ts';
import { Core } from '../../core/core.ts';
import { FIRMWARE_VERSION } from '../../core/settings.ts';
import type { BoardSettings } from '../baked.ts';
import type { Strip } from '../../core/output.ts';
import { cobsEncode, Deframer } from '../../../protocol/codec/cobs.ts';
import type { DecodeError } from '../../../protocol/codec/errors.ts';
import { HEADER_SIZE, MSG } from '../../../protocol/codec/types.ts';
import type { BakedConfig, LedBuffer, MqttClient, StationConfig, Timer, Ws2812WriteOptions } from './api.ts';

declare const PL: BakedConfig;

/** @noSelf */
declare namespace file {
  function exists(name: string): boolean;
}
/** Runs a Lua file from the board's file system and returns what it returns. */
declare function dofile(this: void, name: string): BoardSettings;
declare function print(this: void, text: string): void;

// Per-board settings live on the board, not in the build: one build serves every board. The
// file is a Lua chunk returning a table (no JSON module needed on the firmware).
const S: BoardSettings = file.exists('podlights.cfg') ? dofile('podlights.cfg') : {};
const boardId = S.boardId ?? PL.profile;
const topic = S.topic ?? 'podlights';

/** @noSelf */
declare namespace ws2812 {
  /** ESP8266 only (UART1 on GPIO2). */
  function init(): void;
  /** ESP32, and ESP8266 firmware before 3.0 (there an alias of pixbuf.newBuffer, to be removed). */
  function newBuffer(count: number, channels: number): LedBuffer;
  /** ESP8266: ws2812.write(buffer); ESP32: ws2812.write({ pin = .., data = buffer }). */
  function write(data: LedBuffer | Ws2812WriteOptions): void;
}

/** @noSelf */
declare namespace pixbuf {
  /** ESP8266 3.0 (absent when the firmware was built without pixbuf). */
  function newBuffer(count: number, channels: number): LedBuffer;
}

/** @noSelf */
declare namespace tmr {
  const ALARM_AUTO: number;
  /** ESP8266: microseconds, 31 bits, wraps every 35.8 minutes. */
  function now(): number;
  function create(): Timer;
}

/** @noSelf */
declare namespace node {
  /** ESP32: microseconds since boot (the low 31 bits, wrapping, with integer-only Lua). */
  function uptime(): number;
}

/** @noSelf */
declare namespace mqtt {
  /** ESP8266 3.0 takes cleansession and max_message_length (default 1024) after the password. */
  function Client(clientId: string, keepalive: number, user: string, password: string, cleanSession: number, maxMessageLength: number): MqttClient;
}

/** @noSelf */
declare namespace wifi {
  const STATION: number;
  /** ESP8266. */
  function setmode(mode: number): void;
  /** ESP32. */
  function mode(mode: number): void;
  /** ESP32: the interface is off until started. */
  function start(): void;
  namespace sta {
    /** ESP8266: config(cfg) with cfg.auto/cfg.save; ESP32: config(cfg, save), then connect(). */
    function config(cfg: StationConfig, save: boolean): void;
    /** ESP32: there is no auto-connect, connect after start() and after every disconnect. */
    function connect(): void;
    /** ESP32 events ('disconnected', ...). */
    function on(event: string, cb: (this: void) => void): void;
  }
}

/** @noSelf */
declare namespace uart {
  const PARITY_NONE: number;
  const STOPBITS_1: number;
  function on(event: string, count: number, cb: (this: void, data: string) => void, runInput: number): void;
  function write(id: number, data: string): void;
  function setup(id: number, baud: number, bits: number, parity: number, stop: number, echo: number): void;
}

/** Lua's table of globals: a module the firmware was built without is simply missing from it. */
declare const _G: { pixbuf?: typeof pixbuf };

const esp32 = PL.chip === 'esp32';

// Clock: whole ms from the microsecond counter (tmr.now() on the ESP8266, node.uptime() on the
// ESP32; both wrap at 2^31 where integers are 32 bits), running on across wraps and past 2^31 ms.
const clock = new Clock(2147483648, 1000, esp32 ? node.uptime() : tmr.now());
function now(): number {
  return clock.read(esp32 ? node.uptime() : tmr.now());
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
// `pixbuf` is a global module table on firmware that has it; read it without raising when it is not.
const pixbufModule = _G.pixbuf;
const leds = pixbufModule !== undefined ? pixbufModule.newBuffer(PL.ledCount, 3) : ws2812.newBuffer(PL.ledCount, 3);
const strip: Strip = {
  set: (i: number, r: number, g: number, b: number) => leds.set(i + 1, pick(o0, r, g, b), pick(o1, r, g, b), pick(o2, r, g, b)),
  show: () => (esp32 ? ws2812.write({ pin: PL.pin, data: leds }) : ws2812.write(leds)),
};

const serial = PL.transport === 'serial';
const base = topic + '/' + boardId + '/';
let client: MqttClient | undefined;
let connected = false;
let lastTry = -100000;
let wifiDown = false;

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
    boardId: boardId,
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

/** Subscribes to topics[i..] one after the other (the ESP32 client takes one topic a call), then says HELLO. */
function subscribeFrom(c: MqttClient, topics: string[], i: number): void {
  if (i >= topics.length) core.hello(now());
  else c.subscribe(topics[i], 0, () => subscribeFrom(c, topics, i + 1));
}

function connect(): void {
  lastTry = now();
  let c = client;
  if (c === undefined) {
    // One client for the board's life; a retained snapshot holds several frames, so the ESP8266
    // client's message limit (1024 by default, headers included) is raised to 4 frames.
    // The embedded broker knows a board by username = its board id; anonymous brokers ignore it.
    c = mqtt.Client(boardId, 30, S.mqttUser ?? boardId, S.mqttPassword ?? '', 1, PL.maxFrame * 4);
    client = c;
    // The broker says `offline` for a board that vanishes (power, WiFi): the bridge stops at once.
    c.lwt(base + 'status', 'offline', 0, 1);
    c.on('offline', () => {
      connected = false;
    });
    c.on('message', (_c: MqttClient, topic: string, data: string) => {
      if (topic === base + 'frames') core.receive(data, now());
      // The retained snapshot is for a board that has nothing yet; a synced board ignores it.
      else if (topic === base + 'snapshot') { if (!core.synced) deframer.push(data); }
      else if (data === 'online') core.hello(now());
    });
  }
  c.connect(
    S.mqttHost ?? 'localhost',
    S.mqttPort ?? 1883,
    // ESP8266 3.0 wants a boolean (an integer is deprecated); the ESP32 client wants 0/1.
    esp32 ? 0 : false,
    (cc: MqttClient) => {
      connected = true;
      subscribeFrom(cc, [base + 'frames', base + 'snapshot', topic + '/bridge/state'], 0);
    },
    () => {
      connected = false;
    },
  );
}

if (serial) {
  uart.setup(0, 115200, 8, uart.PARITY_NONE, uart.STOPBITS_1, 0);
  // A delimiter first: the boot messages before it end as a block of their own, not the first HELLO's start.
  uart.write(0, String.fromCharCode(0));
  uart.on('data', 0, (data: string) => deframer.push(data), 0);
  core.hello(now());
} else if (esp32) {
  // `podlights flash` waits for this line on the console to know the board came up.
  print(FIRMWARE_VERSION + ' ' + boardId);
  wifi.mode(wifi.STATION);
  wifi.sta.config({ ssid: S.ssid ?? '', pwd: S.password ?? '' }, false);
  wifi.sta.on('disconnected', () => {
    wifiDown = true;
  });
  wifi.start();
  wifi.sta.connect();
} else {
  print(FIRMWARE_VERSION + ' ' + boardId);
  wifi.setmode(wifi.STATION);
  // auto: the ESP8266 connects and reconnects by itself; save: false, no flash write every boot.
  wifi.sta.config({ ssid: S.ssid ?? '', pwd: S.password ?? '', auto: true, save: false }, false);
}

// One timer does everything: (re)connect every 5 s while offline, resyncs, rendering.
tmr.create().alarm(20, tmr.ALARM_AUTO, () => {
  const t = now();
  if (!serial && !connected && t - lastTry >= 5000) {
    if (wifiDown) {
      wifiDown = false;
      wifi.sta.connect();
    }
    connect();
  }
  core.tick(t);
});

export const board = core;
