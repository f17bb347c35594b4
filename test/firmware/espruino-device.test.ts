// The real Espruino firmware file (firmware/build.ts output for esp32-ws2812) runs in an
// Espruino-shaped vm with stand-ins for the APIs it uses (espruino-device.ts): it reads WiFi,
// broker and board id from the Storage file podlights.json, says HELLO on connect, takes a
// snapshot from MQTT, and writes the same pixels as the virtual board, in the strip's GRB order.
import t from 'tap';
import vm from 'node:vm';
import { getBoard } from '../../boards/index.ts';
import { buildEspruinoBoard } from '../../firmware/build.ts';
import { encodeSnapshot, MSG, POD_STATE, streamFrame } from '../../protocol/index.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { espruinoContext } from './runtimes.ts';
import { espruinoDevice, playSnapshot } from './espruino-device.ts';

t.test('esp32-ws2812 file on an Espruino stand-in', async (t) => {
  const board = getBoard('esp32-ws2812');
  const code = await buildEspruinoBoard(board);
  const settings = { boardId: 'desk-1', ssid: 'lab', password: 'secret-pw', mqttHost: 'broker.lan', mqttPassword: 's3cret' };
  t.notMatch(code, /secret-pw|broker\.lan|desk-1/, 'no per-board settings in the build');
  const dev = espruinoDevice(new Map([['podlights.json', JSON.stringify(settings)]]));
  const { inits, published, subscribed, writes } = dev;
  vm.runInContext(code, dev.ctx);
  t.equal(inits.length, 1, 'starts from E.on("init") (after save())');
  inits[0]();
  t.same(dev.console, ['podlights-fw/0.1.0 desk-1'], 'start line on the console (what podlights flash waits for)');
  t.same(dev.wifi, [['lab', 'secret-pw']], 'WiFi from the settings file');
  t.same(dev.mqttCreated, [['broker.lan', { port: undefined, client_id: 'desk-1', username: 'desk-1', password: 's3cret' }]], 'broker from the settings file (the module defaults the port to 1883), user defaults to the board id');
  t.same(subscribed, ['podlights/desk-1/frames', 'podlights/desk-1/snapshot', 'podlights/bridge/state'], 'subscribes');
  t.equal(published[0]?.[0], 'podlights/desk-1/hello', 'HELLO on connect');
  t.equal(published[0][1].charCodeAt(6), MSG.HELLO);

  const sent = playSnapshot(dev, 'podlights/desk-1/snapshot');
  t.ok(writes.length > 0, 'neopixel.write called');
  t.same(writes[writes.length - 1], sent.grb, 'same pixels as the virtual board, GRB order');
});

t.test('without a settings file: board id = profile name', async (t) => {
  const dev = espruinoDevice();
  vm.runInContext(await buildEspruinoBoard(getBoard('esp32-ws2812')), dev.ctx);
  dev.inits[0]();
  t.same(dev.console, ['podlights-fw/0.1.0 esp32-ws2812']);
  t.equal(dev.subscribed[0], 'podlights/esp32-ws2812/frames');
});

t.test('espruino-pico-apa102-usb file: one APA102 frame, built in place, over SPI', async (t) => {
  const board = getBoard('espruino-pico-apa102-usb');
  const code = await buildEspruinoBoard(board);
  let clock = 1000;
  const inits: (() => void)[] = [];
  const intervals: (() => void)[] = [];
  const spi: Uint8Array[] = [];
  let usbData: ((d: string) => void) | undefined;
  const ctx = espruinoContext({
    E: { on: (ev: string, cb: () => void) => ev === 'init' && inits.push(cb), toString: (a: number[]) => String.fromCharCode(...a) },
    getTime: () => clock / 1000,
    setInterval: (cb: () => void) => intervals.push(cb),
    setTimeout: () => 0,
    print: () => {},
    SPI1: {
      setup: () => {},
      write: (d: Uint8Array) => {
        t.equal(Object.prototype.toString.call(d), '[object Uint8Array]', 'the strip\'s own Uint8Array, not an array made per frame');
        spi.push(Uint8Array.from(d));
      },
    },
    USB: { on: (_ev: string, cb: (d: string) => void) => (usbData = cb), write: () => {} },
    LoopbackA: { setConsole: () => {} },
  });
  ctx.global = ctx;
  ctx.require = (name: string) => (name === 'Storage' ? { readJSON: () => undefined } : undefined);
  vm.runInContext(code, ctx);
  inits[0]();
  const snapshot = encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 30, kind: 0, label: 'n' },
      { type: MSG.GROUP, group: 0, r: 255, g: 40, b: 7, flags: 0 },
      ...Array.from({ length: 10 }, (_, i) => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: POD_STATE.RUNNING }) as const),
    ],
    { seq: 1, snapshot: 1 },
  );
  usbData!(Buffer.concat(snapshot.map(streamFrame)).toString('latin1'));
  clock += 100;
  intervals[0]();
  t.ok(spi.length > 0, 'SPI1.write called');
  let now = 1000;
  const v = new VirtualBoard({ boardId: 'v', ledCount: 30, settings: { brightness: board.brightness, currentCap: board.currentCap }, clock: () => now });
  for (const f of snapshot) v.receive(f);
  now = 1100;
  v.render();
  const want = [0, 0, 0, 0];
  for (let i = 0; i < 30; i++) want.push(255, v.pixels[i * 3 + 2], v.pixels[i * 3 + 1], v.pixels[i * 3]);
  for (let i = 0; i < 30 / 16 + 1; i++) want.push(0);
  t.same(Array.from(spi[spi.length - 1]), want, 'start frame, 0xFF + BGR per LED, end frame: the virtual board\'s pixels');
});
