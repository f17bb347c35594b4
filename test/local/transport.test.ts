// LocalTransport with the link's events: local boards say HELLO like any board, take frames,
// go away with `gone` when their device is unplugged and come back with HELLO when it returns;
// a board whose LED count is unknown (WLED not answering yet) waits and joins when it answers.
import t from 'tap';
import { encodeSnapshot, HEALTH, LAYOUT, MSG, POD_STATE } from '../../protocol/index.ts';
import type { Hello } from '../../protocol/index.ts';
import { LocalTransport } from '../../bridge/local/transport.ts';
import { HidFleet } from '../../bridge/local/hid/fleet.ts';
import { HidSink } from '../../bridge/local/hid/sink.ts';
import { WledSink } from '../../bridge/local/wled/sink.ts';
import type { TransportEvents } from '../../bridge/transports/types.ts';
import { blinkstick, StandInBus } from './hid-standin.ts';
import { StandInWled } from './wled-standin.ts';
import { waitFor } from '../transports/helpers/wait.ts';

function recorder() {
  const log: string[] = [];
  const hellos: Hello[] = [];
  const events: TransportEvents = {
    hello: (id, h) => {
      hellos.push(h);
      log.push(`hello ${id} ${h.ledCount}`);
    },
    resync: (id) => void log.push(`resync ${id}`),
    gone: (id) => void log.push(`gone ${id}`),
  };
  return { log, hellos, events };
}

const snapshot = (ledCount: number) =>
  encodeSnapshot(
    [
      { type: MSG.CONFIG, brightness: 255, layout: LAYOUT.COMPACT, currentCap: 0, fps: 0 },
      { type: MSG.LANE, lane: 0, first: 0, count: ledCount, kind: 0, label: 'eu' },
      { type: MSG.CLUSTER, lane: 0, health: HEALTH.HEALTHY },
      { type: MSG.GROUP, group: 0, r: 0, g: 255, b: 0, flags: 0 },
      { type: MSG.POD_ADD, pod: 0, lane: 0, group: 0, state: POD_STATE.RUNNING },
      { type: MSG.POD_ADD, pod: 1, lane: 0, group: 0, state: POD_STATE.RUNNING },
    ],
    { seq: 1, snapshot: 1, maxFrame: 1024 },
  );

t.test('USB lights come and go as boards', async (t) => {
  const bus = new StandInBus();
  const light = bus.add(blinkstick('BS000077-3.0', 0x202, 2));
  const transport = new LocalTransport({ boards: [] });
  const fleet = new HidFleet({ backend: bus, add: (s) => transport.add(s), remove: (id) => transport.remove(id) });
  const r = recorder();
  await transport.start(r.events);
  t.teardown(() => transport.stop());
  await fleet.scan();
  t.same(r.log, ['hello blinkstick-bs000077-3-0 2'], 'plugged in: HELLO with the Nano\'s two LEDs');
  t.match(r.hellos[0], { profile: 'usb-blinkstick', boardId: 'blinkstick-bs000077-3-0' });
  await transport.send('blinkstick-bs000077-3-0', snapshot(2));
  const board = transport.board('blinkstick-bs000077-3-0')!;
  board.board.render();
  t.ok(board.board.core.synced, 'the snapshot reached the firmware core');
  t.same(light.leds, [[board.pixels[0], board.pixels[1], board.pixels[2]], [board.pixels[3], board.pixels[4], board.pixels[5]]]);
  t.ok(light.leds[0][1] > 0, 'a green pod on the device');

  light.plugged = false;
  await fleet.scan();
  t.same(r.log.slice(1), ['gone blinkstick-bs000077-3-0'], 'unplugged: gone, the link marks it offline');
  await t.rejects(transport.send('blinkstick-bs000077-3-0', snapshot(2)), /no local board/);
  light.plugged = true;
  await fleet.scan();
  t.same(r.log.slice(2), ['hello blinkstick-bs000077-3-0 2'], 'replugged: HELLO again, the link sends a snapshot');
  t.same(light.problems, []);
  t.match(transport.health(), { state: 'up', counters: { boardsAdded: 2, boardsGone: 1, hellos: 2 } });
});

t.test('a configured USB light unplugged keeps its board, counted; the sink reconnects', async (t) => {
  const bus = new StandInBus();
  const light = bus.add(blinkstick('BS000078-3.1', 0x201, 8));
  const sink = new HidSink({ serial: 'BS000078-3.1', backend: bus, rescanMs: 5 });
  const lines: string[] = [];
  const transport = new LocalTransport({ boards: [{ boardId: 'desk', profile: 'usb-blinkstick', sinks: [sink] }], retryMs: 5, log: (l) => lines.push(l) });
  const r = recorder();
  await transport.start(r.events);
  t.teardown(() => transport.stop());
  t.same(r.log, ['hello desk 8']);
  light.plugged = false;
  await transport.send('desk', snapshot(8));
  // The board renders the snapshot on its next tick; the write finds the device gone.
  await waitFor('the vanished device counted', () => transport.health().counters.vanished === 1);
  t.equal(transport.health().state, 'degraded', 'a sink down: degraded (readiness says so)');
  await waitFor('the log to say it went away', () => lines.some((l) => /desk: usb:BS000078-3.1 is down, cannot drive it: .*vanished/.test(l)));
  light.plugged = true;
  await waitFor('the sink back', () => transport.health().state === 'up');
  t.ok(light.leds[0][1] > 0, 'the latest frame written on reconnect');
  await waitFor('the log to say it is back', () => lines.some((l) => /desk: usb:BS000078-3.1 is back/.test(l)));
});

t.test('a WLED that answers late: the board waits for its LED count, then says HELLO', async (t) => {
  const wled = new StandInWled(12);
  await wled.start();
  t.teardown(() => wled.stop());
  // First at a port where nobody answers; the sink is then pointed at the real one, as if it booted.
  const sink = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: 'http://127.0.0.1:9' });
  const transport = new LocalTransport({ boards: [{ boardId: 'strip', profile: 'local-wled', sinks: [sink] }], retryMs: 20 });
  const r = recorder();
  await transport.start(r.events);
  t.teardown(() => transport.stop());
  t.same(r.log, [], 'no HELLO without an LED count');
  t.equal(transport.health().state, 'degraded');
  t.match(transport.health().detail, /strip: waiting for its LED count/);
  (sink as unknown as { options: { httpUrl: string } }).options.httpUrl = wled.httpUrl;
  await waitFor('the HELLO', () => r.log.length > 0);
  t.same(r.log, ['hello strip 12']);
});

t.test('stop() while a board waits for its device: nothing starts after it', async (t) => {
  const wled = new StandInWled(6);
  await wled.start();
  t.teardown(() => wled.stop());
  // A board already running, whose device takes a while to let go when stopped.
  let released: (() => void) | undefined;
  const held = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl });
  const closeHeld = held.close.bind(held);
  held.close = () => new Promise<void>((resolve) => (released = () => resolve(closeHeld())));
  // A board whose device answers only while stop() is under way.
  let answer: (() => void) | undefined;
  const slow = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl });
  const openSlow = slow.open.bind(slow);
  slow.open = () => new Promise((resolve) => (answer = () => resolve(openSlow())));
  const transport = new LocalTransport({ boards: [{ boardId: 'running', profile: 'local-wled', sinks: [held] }] });
  const r = recorder();
  await transport.start(r.events);
  t.same(r.log, ['hello running 6']);
  const adding = transport.add({ boardId: 'late', profile: 'local-wled', sinks: [slow] });
  const stopping = transport.stop();
  answer!();
  await adding;
  released!();
  await stopping;
  t.equal(transport.board('late'), undefined, 'no board after stop');
  t.same(r.log, ['hello running 6'], 'and no HELLO from it');
  t.equal(slow.health().state, 'stopped', 'its sink closed');
});
