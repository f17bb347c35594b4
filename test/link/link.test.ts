// The link converges every board to the view's state: snapshot on HELLO, deltas after, resync
// on loss, coalescing under storms, heartbeats in silence, a retained snapshot for reboots.
import t from 'tap';
import type { Test } from 'tap';
import { decode, HEALTH, MSG, POD_STATE } from '../../protocol/index.ts';
import { Link } from '../../bridge/link/link.ts';
import { emptyDisplayState } from '../../bridge/link/display-state.ts';
import type { DisplayState } from '../../bridge/link/display-state.ts';
import { MemoryTransport } from './memory-transport.ts';
import { ReferenceBoard } from './reference-board.ts';

function stateWith(pods: number, state = POD_STATE.RUNNING): DisplayState {
  const s = emptyDisplayState();
  s.lanes[0] = { first: 0, count: 60, kind: 0, label: 'eu' };
  s.groups[0] = { r: 255, g: 255, b: 0, flags: 0 };
  s.clusters[0] = HEALTH.HEALTHY;
  for (let i = 0; i < pods; i++) s.pods[i] = { lane: 0, group: 0, state };
  return s;
}

async function setup(t: Test) {
  let clock = 1000;
  const transport = new MemoryTransport();
  const link = new Link({ transports: [transport], now: () => clock, flushMs: 3_600_000 });
  await link.start();
  t.teardown(() => link.stop());
  return { transport, link, advance: (ms: number) => (clock += ms) };
}

t.test('HELLO gets a snapshot, then deltas converge', async (t) => {
  const { transport, link } = await setup(t);
  const board = transport.connect('desk-1');
  link.setState('desk-1', stateWith(12, POD_STATE.PENDING));
  await link.flushAll();
  t.same(board.state, stateWith(12, POD_STATE.PENDING), 'snapshot applied');
  const next = stateWith(8);
  next.pods[20] = { lane: 0, group: 0, state: POD_STATE.CRASH_LOOP };
  next.rollouts[1] = { lane: 0, group: 0, desired: 8, updated: 4, ready: 8, available: 8 };
  link.setState('desk-1', next);
  await link.flushAll();
  t.same(board.state, next, 'deltas applied');
  const frames = transport.sent.get('desk-1')!;
  const last = decode(frames[frames.length - 1]);
  t.ok(last.ok && last.messages.every((m) => m.type !== MSG.SNAPSHOT_BEGIN), 'the change went as a delta');
  t.same(board.resyncs, []);
});

t.test('an event storm coalesces: only the latest state crosses the wire', async (t) => {
  const { transport, link } = await setup(t);
  const board = transport.connect('desk-1');
  link.setState('desk-1', stateWith(10));
  await link.flushAll();
  const before = transport.sent.get('desk-1')!.length;
  for (let i = 0; i < 10_000; i++) link.setState('desk-1', stateWith(10, i % 2 === 0 ? POD_STATE.NOT_READY : POD_STATE.RUNNING));
  link.setState('desk-1', stateWith(10, POD_STATE.TERMINATING));
  await link.flushAll();
  const after = transport.sent.get('desk-1')!;
  t.equal(after.length - before, 1, 'one frame for ten thousand updates');
  const d = decode(after[after.length - 1]);
  t.ok(d.ok && d.messages.length === 10, 'one POD_STATE per pod');
  t.same(board.state, stateWith(10, POD_STATE.TERMINATING));
});

t.test('a lost frame is a gap: the board asks, gets a snapshot, converges', async (t) => {
  const { transport, link } = await setup(t);
  const board = transport.connect('desk-1');
  link.setState('desk-1', stateWith(3));
  await link.flushAll();
  transport.lose.add(1); // the first delta frame
  link.setState('desk-1', stateWith(5));
  await link.flushAll();
  t.same(board.state, stateWith(3), 'the delta was lost');
  link.setState('desk-1', stateWith(6));
  await link.flushAll(); // arrives with a gap -> RESYNC
  t.same(board.resyncs, [1], 'RESYNC reason gap');
  await link.flushAll(); // the snapshot
  t.same(board.state, stateWith(6), 'converged');
  t.equal(link.board('desk-1')!.stats.snapshots, 2);
});

t.test('a failing transport is counted and the board is resynced when it works again', async (t) => {
  const { transport, link } = await setup(t);
  const board = transport.connect('desk-1');
  link.setState('desk-1', stateWith(2));
  await link.flushAll();
  transport.failNext = 1;
  link.setState('desk-1', stateWith(4));
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.sendErrors, 1);
  await link.flushAll();
  t.same(board.state, stateWith(4));
});

t.test('heartbeat after a third of the stale timeout in silence', async (t) => {
  const { transport, link, advance } = await setup(t);
  transport.connect('desk-1');
  link.setState('desk-1', stateWith(1));
  await link.flushAll();
  advance(4000);
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.heartbeats, 0, 'not yet');
  advance(1001);
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.heartbeats, 1);
  const frames = transport.sent.get('desk-1')!;
  const d = decode(frames[frames.length - 1]);
  t.ok(d.ok && d.messages[0].type === MSG.HEARTBEAT);
});

t.test('the retained snapshot brings a rebooted board to the truth and in step', async (t) => {
  const { transport, link, advance } = await setup(t);
  transport.connect('desk-1');
  link.setState('desk-1', stateWith(7));
  await link.flushAll();
  advance(2500);
  await link.flushAll();
  // The board reboots: it knows nothing, the broker hands it the retained snapshot.
  const rebooted = new ReferenceBoard(() => t.fail('no resync needed'));
  transport.boards.set('desk-1', rebooted);
  for (const f of transport.retained.get('desk-1')!) rebooted.receive(f);
  t.same(rebooted.state, stateWith(7), 'right before the bridge notices');
  link.setState('desk-1', stateWith(9));
  await link.flushAll();
  t.same(rebooted.state, stateWith(9), 'the next delta follows on without a gap');
});

t.test('frames never exceed the board\'s max frame size', async (t) => {
  const { transport, link } = await setup(t);
  const board = transport.connect('tiny', 300, 265);
  const big = stateWith(0);
  for (let i = 0; i < 300; i++) big.pods[i] = { lane: 0, group: 0, state: i % 9 };
  link.setState('tiny', big);
  await link.flushAll();
  t.ok(transport.sent.get('tiny')!.every((f) => f.length <= 265));
  t.same(board.state, big);
});
