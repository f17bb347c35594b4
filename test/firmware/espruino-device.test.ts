// The real Espruino firmware file (firmware/build.ts output for esp32-ws2812) runs in an
// Espruino-shaped vm with stand-ins for the APIs it uses (E.on('init'), Wifi, MQTT, neopixel,
// getTime, setInterval): it says HELLO on connect, takes a snapshot from MQTT, and writes the
// same pixels as the virtual board, in the strip's GRB order.
import t from 'tap';
import vm from 'node:vm';
import { getBoard } from '../../boards/index.ts';
import { buildEspruinoBoard, flashConfig } from '../../firmware/build.ts';
import { encodeSnapshot, MSG, POD_STATE, streamFrame } from '../../protocol/index.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { espruinoContext } from './runtimes.ts';

t.test('esp32-ws2812 file on an Espruino stand-in', async (t) => {
  const board = getBoard('esp32-ws2812');
  const code = await buildEspruinoBoard(board, flashConfig(undefined, {}));
  let clock = 1000;
  const inits: (() => void)[] = [];
  const intervals: (() => void)[] = [];
  const published: [string, string][] = [];
  const subscribed: string[] = [];
  const writes: number[][] = [];
  const handlers: Record<string, (a?: unknown) => void> = {};
  const mqtt = {
    connected: false,
    on: (ev: string, cb: (a?: unknown) => void) => (handlers[ev] = cb),
    connect: () => {
      mqtt.connected = true;
      handlers.connected?.();
    },
    subscribe: (topic: string) => subscribed.push(topic),
    publish: (topic: string, message: string) => published.push([topic, message]),
  };
  const modules: Record<string, unknown> = {
    neopixel: { write: (_pin: string, data: Uint8Array) => writes.push(Array.from(data)) },
    MQTT: { create: () => mqtt },
    Wifi: { connect: (_s: string, _o: unknown, cb: (err: unknown) => void) => cb(null) },
  };
  const ctx = espruinoContext({
    E: { on: (ev: string, cb: () => void) => ev === 'init' && inits.push(cb), toString: (a: number[]) => String.fromCharCode(...a) },
    getTime: () => clock / 1000,
    setInterval: (cb: () => void) => intervals.push(cb),
    setTimeout: () => 0,
  });
  ctx.global = ctx;
  ctx.require = (name: string) => modules[name];
  vm.runInContext(code, ctx);
  t.equal(inits.length, 1, 'starts from E.on("init") (after save())');
  inits[0]();
  t.same(subscribed, ['podlights/esp32-ws2812/frames', 'podlights/esp32-ws2812/snapshot', 'podlights/bridge/state'], 'subscribes');
  t.equal(published[0]?.[0], 'podlights/esp32-ws2812/hello', 'HELLO on connect');
  t.equal(published[0][1].charCodeAt(6), MSG.HELLO);

  const snapshot = encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'n' },
      { type: MSG.GROUP, group: 0, r: 255, g: 40, b: 0, flags: 0 },
      ...Array.from({ length: 10 }, (_, i) => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: POD_STATE.RUNNING }) as const),
    ],
    { seq: 1, snapshot: 1 },
  );
  // The retained snapshot topic carries stream framing.
  const payload = Buffer.concat(snapshot.map(streamFrame)).toString('latin1');
  handlers.publish({ topic: 'podlights/esp32-ws2812/snapshot', message: payload });
  clock += 100;
  intervals[0]();
  t.ok(writes.length > 0, 'neopixel.write called');

  let now = 1000;
  const v = new VirtualBoard({ boardId: 'v', ledCount: 60, settings: { brightness: board.brightness, currentCap: board.currentCap }, clock: () => now });
  for (const f of snapshot) v.receive(f);
  now = 1100;
  v.render();
  const grb: number[] = [];
  for (let i = 0; i < 60; i++) grb.push(v.pixels[i * 3 + 1], v.pixels[i * 3], v.pixels[i * 3 + 2]);
  t.same(writes[writes.length - 1], grb, 'same pixels as the virtual board, GRB order');
});
