// The link's O(changes) path: a view that patches pod states in place announces the handles it
// changed (Link.patchState), and the session looks at those alone. Boards must converge exactly
// as with whole states, and a patch that breaks the contract (a lane changed) still converges.
import t from 'tap';
import type { Test } from 'tap';
import { decode, HEALTH, MSG, POD_STATE } from '../../protocol/index.ts';
import { Link } from '../../bridge/link/link.ts';
import { emptyDisplayState } from '../../bridge/link/display-state.ts';
import type { DisplayState } from '../../bridge/link/display-state.ts';
import { MemoryTransport } from './memory-transport.ts';

function stateWith(pods: number, state = POD_STATE.RUNNING): DisplayState {
  const s = emptyDisplayState();
  s.lanes[0] = { first: 0, count: 30, kind: 0, label: 'a' };
  s.lanes[1] = { first: 30, count: 30, kind: 0, label: 'b' };
  s.groups[0] = { r: 255, g: 255, b: 0, flags: 0 };
  s.clusters[0] = HEALTH.HEALTHY;
  s.clusters[1] = HEALTH.HEALTHY;
  for (let i = 0; i < pods; i++) s.pods[i] = { lane: 0, group: 0, state };
  return s;
}

async function setup(t: Test) {
  const transport = new MemoryTransport();
  let clock = 1000;
  const link = new Link({ transports: [transport], now: () => clock, flushMs: 3_600_000 });
  await link.start();
  t.teardown(() => link.stop());
  const board = transport.connect('desk-1');
  const lastMessages = () => {
    const frames = transport.sent.get('desk-1')!;
    const d = decode(frames[frames.length - 1]);
    return d.ok ? d.messages : [];
  };
  return { transport, link, board, lastMessages, advance: (ms: number) => (clock += ms) };
}

t.test('patched handles go out as POD_STATE for those pods only, and the board converges', async (t) => {
  const { link, board, transport, lastMessages } = await setup(t);
  const s = stateWith(1000);
  link.setState('desk-1', s);
  await link.flushAll();
  const sent = transport.sent.get('desk-1')!.length;
  // The view patches its own state in place, several times before a flush.
  s.pods[7] = { ...s.pods[7], state: POD_STATE.NOT_READY };
  link.patchState('desk-1', s, [7]);
  s.pods[900] = { ...s.pods[900], state: POD_STATE.CRASH_LOOP };
  s.pods[7] = { ...s.pods[7], state: POD_STATE.RUNNING }; // back: nothing to send for 7
  link.patchState('desk-1', s, [900, 7]);
  await link.flushAll();
  t.equal(transport.sent.get('desk-1')!.length, sent + 1, 'one frame');
  t.same(lastMessages(), [{ type: MSG.POD_STATE, pod: 900, state: POD_STATE.CRASH_LOOP }]);
  t.same(board.state, s, 'the board has the patched state');
  // Patched again after the flush: the session compares with what it sent, not with the object.
  s.pods[900] = { ...s.pods[900], state: POD_STATE.RUNNING };
  link.patchState('desk-1', s, [900]);
  await link.flushAll();
  t.same(lastMessages(), [{ type: MSG.POD_STATE, pod: 900, state: POD_STATE.RUNNING }]);
  t.same(board.state, s);
  t.same(link.shownPods('desk-1'), s.pods, 'what the link says the board has');
});

t.test('a whole state after patches, and patches after a whole state, both converge', async (t) => {
  const { link, board } = await setup(t);
  const s = stateWith(10);
  link.setState('desk-1', s);
  await link.flushAll();
  s.pods[3] = { ...s.pods[3], state: POD_STATE.TERMINATING };
  link.patchState('desk-1', s, [3]);
  const next = stateWith(12, POD_STATE.PENDING); // a recomputation replaces everything
  link.setState('desk-1', next);
  next.pods[11] = { ...next.pods[11], state: POD_STATE.RUNNING };
  link.patchState('desk-1', next, [11]); // a whole diff is due anyway: it covers this
  await link.flushAll();
  t.same(board.state, next);
});

t.test('a patch that moved a pod to another lane falls back to the whole diff', async (t) => {
  const { link, board } = await setup(t);
  const s = stateWith(5);
  link.setState('desk-1', s);
  await link.flushAll();
  s.pods[2] = { lane: 1, group: 0, state: POD_STATE.RUNNING };
  s.pods[4] = { ...s.pods[4], state: POD_STATE.FAILED };
  link.patchState('desk-1', s, [4, 2]);
  await link.flushAll();
  t.same(board.state, s);
  t.same(board.resyncs, []);
});

t.test('a board that went away gets the patched state in its snapshot when it returns', async (t) => {
  const { link, transport, advance } = await setup(t);
  const s = stateWith(6);
  link.setState('desk-1', s);
  await link.flushAll();
  transport.lose = new Set(Array.from({ length: 100 }, (_, i) => i)); // everything from here is lost
  s.pods[1] = { ...s.pods[1], state: POD_STATE.NOT_READY };
  link.patchState('desk-1', s, [1]);
  await link.flushAll();
  transport.lose = new Set();
  advance(5000);
  const rebooted = transport.connect('desk-1'); // HELLO again: a snapshot
  await link.flushAll();
  t.same(rebooted.state, s);
});

t.test('a state too big to retain in the board frames does not stop its deltas', async (t) => {
  const transport = new MemoryTransport();
  let clock = 1000;
  const link = new Link({ transports: [transport], now: () => clock, flushMs: 3_600_000, retainEveryMs: 0 });
  await link.start();
  t.teardown(() => link.stop());
  const board = transport.connect('tiny', 60, 265); // the smallest frames: 255 of them hold ~10,000 pods
  link.setState('tiny', stateWith(10));
  await link.flushAll();
  const big = stateWith(20_000); // reaches the board as deltas; no snapshot of it fits in 255 frames
  link.setState('tiny', big);
  for (let i = 0; i < 3; i++) {
    clock += 100;
    await link.flushAll();
  }
  t.same(board.state, big, 'the board has the big state');
  t.equal(link.board('tiny')!.stats.snapshots, 1, 'no snapshot was asked for');
  t.ok(link.board('tiny')!.stats.retainFailures > 0, 'the retained snapshot that cannot be made is counted');
  big.pods[19999] = { ...big.pods[19999], state: POD_STATE.FAILED };
  link.patchState('tiny', big, [19999]);
  clock += 100;
  await link.flushAll();
  t.equal(board.state!.pods[19999].state, POD_STATE.FAILED, 'and deltas keep coming');
});
