// An Espruino board for the real firmware file (firmware/build.ts output), in a vm shaped like
// Espruino (runtimes.ts removes what Espruino lacks) with stand-ins for the APIs the HAL uses:
// E.on('init'), Storage (the settings file), Wifi, MQTT, neopixel, SPI1, USB, getTime,
// setInterval, console. Used by espruino-device.test.ts and by the flash tests, where the code
// arrives over a serial console instead.
import vm from 'node:vm';
import { getBoard } from '../../boards/index.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { encodeSnapshot, MSG, POD_STATE, streamFrame } from '../../protocol/index.ts';
import { espruinoContext } from './runtimes.ts';

export interface EspruinoDevice {
  ctx: vm.Context;
  /** Storage files by name (the flash tests share it with the console stand-in). */
  storage: Map<string, string>;
  inits: (() => void)[];
  intervals: (() => void)[];
  published: [string, string][];
  subscribed: string[];
  /** Every neopixel.write / SPI1.write, as byte arrays. */
  writes: number[][];
  /** Wifi.connect calls: [ssid, password]. */
  wifi: [string, string | undefined][];
  /** MQTT.create calls: [host, options]. */
  mqttCreated: [string, Record<string, unknown>][];
  /** console.log and print lines. */
  console: string[];
  /** Bytes written to USB (serial profiles). */
  usb: string[];
  /** Delivers an MQTT message to the firmware's 'publish' handler. */
  deliver(topic: string, message: string): void;
  /** Advances the clock and runs the render interval once. */
  step(ms: number): void;
}

/** `extra` replaces or adds globals (the flash tests' console stand-in brings print, reset, save...). */
export function espruinoDevice(storage = new Map<string, string>(), extra: Record<string, unknown> = {}): EspruinoDevice {
  let clock = 1000;
  const handlers: Record<string, (a?: unknown) => void> = {};
  const d: EspruinoDevice = {
    ctx: undefined as unknown as vm.Context,
    storage,
    inits: [],
    intervals: [],
    published: [],
    subscribed: [],
    writes: [],
    wifi: [],
    mqttCreated: [],
    console: [],
    usb: [],
    deliver: (topic, message) => handlers.publish({ topic, message }),
    step: (ms) => {
      clock += ms;
      for (const f of d.intervals) f();
    },
  };
  const mqtt = {
    connected: false,
    on: (ev: string, cb: (a?: unknown) => void) => (handlers[ev] = cb),
    connect: () => {
      mqtt.connected = true;
      handlers.connected?.();
    },
    subscribe: (topic: string) => d.subscribed.push(topic),
    publish: (topic: string, message: string) => d.published.push([topic, message]),
  };
  const modules: Record<string, unknown> = {
    neopixel: { write: (_pin: string, data: Uint8Array) => d.writes.push(Array.from(data)) },
    MQTT: {
      create: (host: string, options: Record<string, unknown>) => {
        d.mqttCreated.push([host, options]);
        return mqtt;
      },
    },
    Wifi: {
      connect: (ssid: string, options: { password?: string }, cb: (err: unknown) => void) => {
        d.wifi.push([ssid, options.password]);
        cb(null);
      },
    },
    // Espruino's Storage: readJSON(name, noExceptions) gives undefined for a missing file.
    Storage: {
      readJSON: (name: string) => (storage.has(name) ? JSON.parse(storage.get(name)!) : undefined),
      read: (name: string) => storage.get(name),
      write: (name: string, data: string) => {
        storage.set(name, data);
        return true;
      },
      writeJSON: (name: string, data: unknown) => {
        storage.set(name, JSON.stringify(data));
        return true;
      },
      list: () => [...storage.keys()],
    },
  };
  d.ctx = espruinoContext({
    E: { on: (ev: string, cb: () => void) => ev === 'init' && d.inits.push(cb), toString: (a: number[]) => String.fromCharCode(...a) },
    getTime: () => clock / 1000,
    setInterval: (cb: () => void) => d.intervals.push(cb),
    setTimeout: () => 0,
    console: { log: (...a: unknown[]) => d.console.push(a.join(' ')) },
    print: (...a: unknown[]) => d.console.push(a.join(' ')),
    SPI1: { setup: () => undefined, write: (data: number[]) => d.writes.push(data) },
    USB: { on: () => undefined, write: (s: string) => d.usb.push(s) },
    LoopbackA: { setConsole: () => undefined },
    ...extra,
  });
  d.ctx.global = d.ctx;
  d.ctx.require = (name: string) => modules[name];
  return d;
}

/**
 * Delivers a 10-pod retained snapshot (stream framing, as on the snapshot topic) to an
 * esp32-ws2812 device, renders 100 ms later, and gives the virtual board's pixels for the same
 * frames at the same time, in the strip's GRB order.
 */
export function playSnapshot(dev: EspruinoDevice, topic: string): { grb: number[] } {
  const board = getBoard('esp32-ws2812');
  const snapshot = encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'n' },
      { type: MSG.GROUP, group: 0, r: 255, g: 40, b: 0, flags: 0 },
      ...Array.from({ length: 10 }, (_, i) => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: POD_STATE.RUNNING }) as const),
    ],
    { seq: 1, snapshot: 1 },
  );
  dev.deliver(topic, Buffer.concat(snapshot.map(streamFrame)).toString('latin1'));
  dev.step(100);
  let now = 1000;
  const v = new VirtualBoard({ boardId: 'v', ledCount: 60, settings: { brightness: board.brightness, currentCap: board.currentCap }, clock: () => now });
  for (const f of snapshot) v.receive(f);
  now = 1100;
  v.render();
  const grb: number[] = [];
  for (let i = 0; i < 60; i++) grb.push(v.pixels[i * 3 + 1], v.pixels[i * 3], v.pixels[i * 3 + 2]);
  return { grb };
}
