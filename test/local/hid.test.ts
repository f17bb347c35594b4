// USB lights through stand-in devices that check every report against the vendors' formats:
// every model, two devices told apart by serial, unplug and replug, and a board per device
// coming and going with HidFleet.
import t from 'tap';
import { identify } from '../../bridge/local/hid/devices.ts';
import { HidSink } from '../../bridge/local/hid/sink.ts';
import { HidFleet, hidBoardId } from '../../bridge/local/hid/fleet.ts';
import type { LocalBoardSpec } from '../../bridge/local/transport.ts';
import { blink1, blinkstick, StandInBus } from './hid-standin.ts';
import { waitFor } from '../transports/helpers/wait.ts';

const frame = (n: number, seed: number) => Uint8Array.from({ length: n * 3 }, (_, i) => (seed * 37 + i * 11) & 255);
const rgbOf = (px: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => [px[i * 3], px[i * 3 + 1], px[i * 3 + 2]]);

t.test('models are told apart the way the vendors do', async (t) => {
  const id = (serial: string, release: number, vendorId = 0x20a0, productId = 0x41e5) => identify({ vendorId, productId, serialNumber: serial, release, path: 'p' });
  t.match(id('BS000001-3.0', 0x200), { model: 'blinkstick-square', ledCount: 8 });
  t.match(id('BS000002-3.1', 0x201), { model: 'blinkstick-strip', ledCount: 8 });
  t.match(id('BS000003-3.0', 0x202), { model: 'blinkstick-nano', ledCount: 2 });
  t.match(id('BS000004-3.0', 0x203), { model: 'blinkstick-flex', ledCount: 32 });
  t.match(id('BS000005-1.0', 0x100), { model: 'blinkstick', ledCount: 1 });
  t.match(id('2a0b0c0d', 2, 0x27b8, 0x01ed), { kind: 'blink1', model: 'blink1-mk2', ledCount: 2 });
  t.match(id('3a0b0c0d', 3, 0x27b8, 0x01ed), { kind: 'blink1', model: 'blink1-mk3', ledCount: 2 });
  t.equal(identify({ vendorId: 0x046d, productId: 0xc52b, serialNumber: 'x' }), undefined, 'a mouse is not a light');
});

t.test('every model gets documented reports that set exactly the board pixels', async (t) => {
  const bus = new StandInBus();
  const devices = [
    bus.add(blinkstick('BS000001-3.0', 0x200, 8)),
    bus.add(blinkstick('BS000002-3.1', 0x201, 8)),
    bus.add(blinkstick('BS000003-3.0', 0x202, 2)),
    bus.add(blinkstick('BS000004-3.0', 0x203, 32)),
    bus.add(blinkstick('BS000005-1.0', 0x100, 1)),
    bus.add(blink1('2a0b0c0d')),
    bus.add(blink1('3a0b0c0d')),
  ];
  for (const d of devices) {
    const sink = new HidSink({ serial: d.info.serialNumber, backend: bus });
    const n = await sink.open();
    t.equal(n, d.leds.length, `${d.info.serialNumber}: LED count from its model`);
    for (let seed = 0; seed < 5; seed++) {
      const px = frame(n!, seed);
      sink.write(px);
      t.same(d.leds, rgbOf(px, n!), `${d.info.serialNumber} frame ${seed}`);
    }
    // Both blink(1) LEDs alike: one 'n' for all of them.
    if (d.info.vendorId === 0x27b8) {
      const before = d.reports.length;
      sink.write(Uint8Array.from([9, 8, 7, 9, 8, 7]));
      t.same(d.reports.slice(before), [[1, 0x6e, 9, 8, 7, 0, 0, 0, 0]]);
    }
    t.same(d.problems, [], `${d.info.serialNumber}: every report as documented`);
    await sink.close();
  }
  t.same(devices[3].reports[0][0], 8, 'Flex, 32 LEDs: report 8');
  t.same(devices[0].reports[0][0], 6, 'Square, 8 LEDs: report 6');
});

t.test('two devices by serial; unplug is counted, replug converges without a restart', async (t) => {
  const bus = new StandInBus();
  const a = bus.add(blinkstick('BS000010-3.0', 0x200, 8));
  const b = bus.add(blinkstick('BS000011-3.1', 0x201, 8));
  const sa = new HidSink({ kind: 'blinkstick', serial: 'BS000010-3.0', backend: bus, rescanMs: 5 });
  const sb = new HidSink({ kind: 'blinkstick', serial: 'BS000011-3.1', backend: bus, rescanMs: 5 });
  await sa.open();
  await sb.open();
  sa.write(frame(8, 1));
  sb.write(frame(8, 2));
  t.same(a.leds, rgbOf(frame(8, 1), 8));
  t.same(b.leds, rgbOf(frame(8, 2), 8), 'each device its own pixels');

  a.plugged = false;
  t.doesNotThrow(() => sa.write(frame(8, 3)), 'a vanished device never throws');
  t.equal(sa.health().counters.vanished, 1);
  t.equal(sa.health().state, 'down');
  t.match(sa.health().detail, /not connected/);
  sa.write(frame(8, 4)); // while away: kept as the latest frame
  sb.write(frame(8, 5));
  t.same(b.leds, rgbOf(frame(8, 5), 8), 'the other device carries on');

  a.plugged = true;
  a.leds = a.leds.map(() => [0, 0, 0]); // it lost its colours while unpowered
  await waitFor('the replugged device to be found again', () => sa.health().state === 'up');
  t.same(a.leds, rgbOf(frame(8, 4), 8), 'replugged: the latest frame at once, no new render needed');
  t.equal(a.opens, 2);
  t.same([...a.problems, ...b.problems], []);
  await sa.close();
  await sb.close();
  t.equal(sa.health().state, 'stopped');
  t.same([...a.leds, ...b.leds], new Array(16).fill([0, 0, 0]), 'closed: both lights turned off');
  t.same([...a.problems, ...b.problems], [], 'with documented reports');
});

t.test('a sink for a device not plugged in yet waits for it', async (t) => {
  const bus = new StandInBus();
  const sink = new HidSink({ serial: '3f000001', backend: bus, rescanMs: 5 });
  t.equal(await sink.open(), undefined, 'LED count unknown while absent');
  sink.write(Uint8Array.from([1, 2, 3, 4, 5, 6]));
  const d = bus.add(blink1('3f000001'));
  await waitFor('the device', () => sink.health().state === 'up');
  t.same(d.leds, [[1, 2, 3], [4, 5, 6]]);
  await sink.close();
});

t.test('the fleet: a board per device, added on plug, removed on unplug', async (t) => {
  const bus = new StandInBus();
  bus.add(blinkstick('BS000020-3.0', 0x202, 2));
  const added: LocalBoardSpec[] = [];
  const removed: string[] = [];
  const fleet = new HidFleet({ backend: bus, add: async (s) => void added.push(s), remove: async (id) => void removed.push(id) });
  await fleet.scan();
  t.same(added.map((s) => s.boardId), ['blinkstick-bs000020-3-0']);
  const second = bus.add(blink1('3a0b0c0e'));
  await fleet.scan();
  t.same(added.map((s) => s.boardId), ['blinkstick-bs000020-3-0', hidBoardId('blink1', '3a0b0c0e')]);
  second.plugged = false;
  await fleet.scan();
  t.same(removed, ['blink1-3a0b0c0e']);
  second.plugged = true;
  await fleet.scan();
  t.equal(added.length, 3, 'replugged: a board again');
  t.equal(fleet.errors, 0);
  const excluded: string[] = [];
  const partial = new HidFleet({ backend: bus, exclude: ['3a0b0c0e'], add: async (s) => void excluded.push(s.boardId), remove: async () => {} });
  await partial.scan();
  t.same(excluded, ['blinkstick-bs000020-3-0'], 'a light a configured board drives gets no second board');
  for (const s of added) for (const k of s.sinks) await k.close();
  const broken = new HidFleet({ backend: { devices: () => { throw new Error('hidapi failed'); }, open: () => { throw new Error('x'); } }, add: async () => {}, remove: async () => {} });
  await broken.scan();
  t.equal(broken.errors, 1, 'a failing bus is counted, not thrown');
  for (const s of added) for (const k of s.sinks) await k.close();
});
