// Espruino HAL around firmware/core: ESP32 (WiFi + the MQTT module, WS2812 via neopixel) and
// Espruino Pico (USB serial with COBS stream framing, the REPL moved off USB; APA102 via SPI).
// firmware/build.ts inlines the board profile (PL) and bundles this with esbuild (bundle.ts);
// WiFi, broker and board id come from the Storage file podlights.json (`podlights provision`).
// `podlights flash` uploads it and runs save(): the board starts on every boot (E.on('init')).
import { Core } from '../../core/core.ts';
import type { Strip } from '../../core/output.ts';
import { cobsEncode, Deframer } from '../../../protocol/codec/cobs.ts';
import type { DecodeError } from '../../../protocol/codec/errors.ts';
import { HEADER_SIZE, MSG } from '../../../protocol/codec/types.ts';
import type { BakedSettings, BoardSettings } from '../baked.ts';
import { FIRMWARE_VERSION } from '../../core/settings.ts';

interface Baked extends BakedSettings {
  chip: string;
  pin: string;
  clockPin: string;
}

interface Port {
  on(event: string, cb: (data: string) => void): void;
  write(data: string): void;
}
interface Mqtt {
  on(event: string, cb: (arg: { topic: string; message: string }) => void): void;
  connect(): void;
  subscribe(topic: string): void;
  publish(topic: string, message: string): void;
  connected: boolean;
}

declare const PL: Baked;
declare const E: { toString(data: number[] | string): string; on(event: string, cb: () => void): void };
declare const USB: Port;
declare const LoopbackA: { setConsole(): void };
declare const SPI1: { setup(options: { mosi: string; sck: string; baud: number }): void; write(data: Uint8Array): void };
declare function getTime(): number;
/** Prints its arguments, space-separated, on the console. */
declare function print(...text: string[]): void;
declare function setInterval(cb: () => void, ms: number): number;
/** Espruino's module loader: a global function (not CommonJS; esbuild must not see a require call). */
declare const global: { require(name: string): any };

function start(): void {
  const mod = global.require;
  // Per-board settings live on the board, not in the build: one build serves every board.
  const S: BoardSettings = mod('Storage').readJSON('podlights.json', 1) || {};
  const id = S.boardId || PL.profile;
  const topic = S.topic || 'podlights';
  // Espruino's getTime() is seconds as a float; the core wants whole milliseconds.
  const now = () => Math.floor(getTime() * 1000);
  const n = PL.ledCount;
  const order = PL.colorOrder;
  // The strip's bytes, in the chip's order, written in place and sent as they are: WS2812 takes
  // 3 bytes an LED; an APA102 frame is a start frame (4 zeros), 0xFF (full global brightness, the
  // core already scaled) + 3 bytes an LED, and an end frame of n/2 bits. No array per frame.
  // (PL.chip is a literal in a board build: each test below folds to a constant.)
  const stride = PL.chip === 'apa102' ? 4 : 3;
  const first = PL.chip === 'apa102' ? 5 : 0;
  const bytes = new Uint8Array(PL.chip === 'apa102' ? 4 + n * 4 + Math.ceil(n / 16 + 1) : n * 3);
  if (PL.chip === 'apa102') for (let i = 0; i < n; i++) bytes[4 + i * 4] = 255;
  // Byte offsets of red, green and blue in the chip's order (locals: a plain Array is a linked list on Espruino).
  const oR = first + order.indexOf('R');
  const oG = first + order.indexOf('G');
  const oB = first + order.indexOf('B');
  // PL.chip and PL.transport are compile-time constants in a board build: dead branches go.
  if (PL.chip === 'apa102') SPI1.setup({ mosi: PL.pin, sck: PL.clockPin, baud: 4000000 });
  const strip: Strip = {
    set: (i: number, r: number, g: number, b: number) => {
      bytes[i * stride + oR] = r;
      bytes[i * stride + oG] = g;
      bytes[i * stride + oB] = b;
    },
    show: () => (PL.chip === 'apa102' ? SPI1.write(bytes) : mod('neopixel').write(PL.pin, bytes)),
  };
  const base = topic + '/' + id + '/';
  let mqtt: Mqtt | undefined;
  const send = (frame: string) => {
    if (PL.transport === 'serial') {
      const b: number[] = [];
      for (let i = 0; i < frame.length; i++) b.push(frame.charCodeAt(i));
      const enc = cobsEncode(b);
      enc.push(0);
      USB.write(E.toString(enc));
    } else if (mqtt !== undefined && mqtt.connected) {
      mqtt.publish(base + (frame.charCodeAt(HEADER_SIZE) === MSG.RESYNC ? 'resync' : 'hello'), frame);
    }
  };
  const core = new Core(
    {
      boardId: id,
      profile: PL.profile,
      ledCount: n,
      maxFrame: PL.maxFrame,
      brightness: PL.brightness,
      layout: PL.layout,
      currentCap: PL.currentCap,
      maPerChannel: PL.maPerChannel,
      fps: PL.fps,
      stream: PL.transport === 'serial',
    },
    strip,
    send,
    now(),
  );
  // A broken COBS block reaches the core as an empty frame: counted, and on serial resynced.
  const deframer = new Deframer(
    (f: string) => core.receive(f, now()),
    (_e: DecodeError) => core.receive('', now()),
    PL.maxFrame,
  );
  if (PL.transport === 'serial') {
    // Take USB from the REPL (reattach with LoopbackB.setConsole() from the IDE to get it back).
    LoopbackA.setConsole();
    // A delimiter first: what the REPL printed before ("Running onInit()...") ends as a block of
    // its own instead of spoiling the first HELLO (podlights flash and the bridge both wait for it).
    USB.write('\0');
    USB.on('data', (d: string) => deframer.push(d));
    core.hello(now());
  } else {
    // `podlights flash` waits for this line on the console to know the board came up.
    print(FIRMWARE_VERSION, id);
    const m: Mqtt = mod('MQTT').create(S.mqttHost, {
      port: S.mqttPort, // the MQTT module's default is 1883
      client_id: id,
      // The embedded broker knows a board by username = its board id; anonymous brokers ignore it.
      username: S.mqttUser || id,
      password: S.mqttPassword,
    });
    mqtt = m;
    m.on('connected', () => {
      m.subscribe(base + 'frames');
      m.subscribe(base + 'snapshot');
      m.subscribe(topic + '/bridge/state');
      core.hello(now());
    });
    m.on('publish', (p: { topic: string; message: string }) => {
      if (p.topic === base + 'frames') core.receive(p.message, now());
      // The retained snapshot is for a board that has nothing yet; a synced board ignores it.
      else if (p.topic === base + 'snapshot') { if (!core.synced) deframer.push(p.message); }
      else if (p.message === 'online') core.hello(now());
    });
    m.on('disconnected', () => setTimeout(() => m.connect(), 5000));
    mod('Wifi').connect(S.ssid, { password: S.password }, (err: unknown) => {
      if (!err) m.connect();
    });
  }
  setInterval(() => core.tick(now()), 20);
  (global as unknown as { podlights: Core }).podlights = core;
}

declare function setTimeout(cb: () => void, ms: number): number;

E.on('init', start);
