// Hostile and broken input at the link: HELLOs with impossible fields, boards that come and go
// by the thousand, floods of valid RESYNCs. The link must refuse what it cannot serve, count it,
// say it once, keep its memory bounded, and never let one board's trouble reach the process.
import t from 'tap';
import type { Test } from 'tap';
import { CAP, MSG, LAYOUT } from '../../protocol/index.ts';
import type { Hello } from '../../protocol/index.ts';
import { Link } from '../../bridge/link/link.ts';
import { emptyDisplayState } from '../../bridge/link/display-state.ts';
import { forCaps, helloProblem } from '../../bridge/link/hello-check.ts';
import { MemoryTransport } from '../link/memory-transport.ts';

function hello(boardId: string, over: Partial<Hello> = {}): Hello {
  return { type: MSG.HELLO, protoMin: 1, protoMax: 1, ledCount: 60, maxFrame: 1024, caps: 0x3f, boardId, profile: 'virtual-60', firmware: 'test', ...over };
}

async function setup(t: Test, extra: Partial<ConstructorParameters<typeof Link>[0]> = {}) {
  let clock = 1000;
  const lines: string[] = [];
  const transport = new MemoryTransport();
  const link = new Link({ transports: [transport], now: () => clock, flushMs: 3_600_000, log: (l) => void lines.push(l), ...extra });
  await link.start();
  t.teardown(() => link.stop());
  return { transport, link, lines, advance: (ms: number) => (clock += ms) };
}

t.test('every field of a HELLO is checked (the maxFrame 100 HELLO once crashed the bridge)', async (t) => {
  t.match(helloProblem(hello('d', { maxFrame: 100 })), /maxFrame 100 .*minimum is 265/);
  t.match(helloProblem(hello('d', { ledCount: 0 })), /ledCount 0/);
  t.match(helloProblem(hello('d', { ledCount: 65535 })), /ledCount 65535/);
  t.match(helloProblem(hello('d', { protoMin: 2, protoMax: 3 })), /protocol 2..3/);
  t.match(helloProblem(hello('d', { protoMin: 0, protoMax: 0 })), /protocol 0..0/);
  t.equal(helloProblem(hello('d', { protoMin: 1, protoMax: 4 })), undefined, 'a newer board that also speaks 1 is served');
  t.equal(helloProblem(hello('d')), undefined);
});

t.test('a HELLO with maxFrame below the minimum is refused, counted, and the flush goes on', async (t) => {
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => void rejections.push(err);
  process.on('unhandledRejection', onRejection);
  t.teardown(() => void process.off('unhandledRejection', onRejection));
  const { transport, link, lines } = await setup(t);
  transport.connect('desk-2');
  transport.events!.hello('desk-1', hello('desk-1', { maxFrame: 100, ledCount: 120 }), transport);
  link.setState('desk-1', emptyDisplayState());
  link.setState('desk-2', emptyDisplayState());
  await link.flushAll();
  await link.flushAll();
  t.equal(link.counters.hellosRejected, 1);
  t.equal(link.board('desk-1'), undefined, 'no session was built from it');
  t.ok(link.board('desk-2')?.online, 'the other board is served');
  t.ok(transport.sent.get('desk-2')!.length > 0);
  t.ok(lines.some((l) => /ignored HELLO from desk-1 .*maxFrame 100/.test(l)), 'said once, clearly');
  await new Promise((r) => setImmediate(r));
  t.same(rejections, []);
});

t.test("a session's send failure stays in that session", async (t) => {
  const { transport, link } = await setup(t);
  transport.connect('desk-1');
  transport.connect('desk-2');
  const original = transport.send.bind(transport);
  transport.send = async (boardId, frames) => {
    if (boardId === 'desk-1') throw new TypeError('boom from a broken transport');
    return original(boardId, frames);
  };
  await t.resolves(link.flushAll());
  t.ok(transport.sent.get('desk-2')!.length > 0);
});

t.test('what a board did not announce is not sent (SPEC section 4)', async (t) => {
  const config = { type: MSG.CONFIG, brightness: 100, layout: LAYOUT.STABLE, currentCap: 0, fps: 0 } as const;
  const rollout = { type: MSG.ROLLOUT, rollout: 0, lane: 0, group: 0, desired: 3, updated: 1, ready: 1, available: 1 } as const;
  const cluster = { type: MSG.CLUSTER, lane: 0, health: 1 } as const;
  const all = [config, rollout, cluster];
  t.equal(forCaps(all, 0x3f), all, 'a board with every cap gets everything, unchanged');
  const bare = forCaps(all, CAP.ANIMATIONS);
  t.same(bare, [{ ...config, layout: LAYOUT.COMPACT }], 'no rollout, no cluster health, compact layout');
  t.same(forCaps(all, CAP.ROLLOUT | CAP.LAYOUT_STABLE), [config, rollout]);
});

t.test('2,000 boards that say HELLO and vanish are taken offline, then forgotten; sessions are bounded', async (t) => {
  const { transport, link, lines, advance } = await setup(t, { maxBoards: 1500, forgetAfterMs: 60_000 });
  for (let i = 0; i < 2000; i++) transport.events!.hello(`ghost-${i}`, hello(`ghost-${i}`), transport);
  t.equal(link.boards().length, 1500, 'no more sessions than maxBoards');
  t.equal(link.counters.boardsRefused, 500);
  for (let i = 0; i < 2000; i++) transport.events!.gone(`ghost-${i}`, transport);
  t.equal(link.boards().filter((b) => b.online).length, 0, 'all offline at once');
  const before = transport.sent.size;
  await link.flushAll();
  t.equal(transport.sent.size, before, 'nothing is sent to boards that are gone');
  advance(60_001);
  await link.flushAll();
  t.equal(link.boards().length, 0, 'forgotten after forgetAfterMs');
  t.equal(link.counters.boardsForgotten, 1500);
  t.ok(lines.length <= 31, `the log stayed short (${lines.length} lines)`);
  transport.connect('desk-1');
  t.ok(link.board('desk-1')?.online, 'a new board is welcome again');
});

t.test('a configured board is never forgotten', async (t) => {
  const { transport, link, advance } = await setup(t, { boards: [{ boardId: 'desk-1', ledCount: 60 }], forgetAfterMs: 1000 });
  transport.connect('desk-1');
  transport.events!.gone('desk-1', transport);
  advance(10_000);
  await link.flushAll();
  t.ok(link.board('desk-1'), 'still known');
});

t.test('a flood of valid RESYNCs and HELLOs: a few log lines, one snapshot per flush, duplicates counted', async (t) => {
  const { transport, link, lines, advance } = await setup(t);
  transport.connect('desk-1');
  link.setState('desk-1', emptyDisplayState());
  await link.flushAll();
  const snapshots = link.board('desk-1')!.stats.snapshots;
  for (let i = 0; i < 100_000; i++) {
    transport.events!.resync('desk-1', { type: MSG.RESYNC, lastSeq: 0, reason: 1 }, transport);
    transport.events!.resync(`stranger-${i % 1000}`, { type: MSG.RESYNC, lastSeq: 0, reason: 1 }, transport);
  }
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.snapshots, snapshots + 1, 'one snapshot for the whole flood');
  t.equal(link.counters.unknownResyncs, 100_000, 'every RESYNC from an unknown board counted');
  t.ok(lines.length < 10, `log lines: ${lines.length}`);
  advance(2500);
  // The echo HELLO right after the snapshot it asked for is a duplicate, not a new snapshot.
  transport.events!.hello('desk-1', hello('desk-1'), transport);
  transport.events!.hello('desk-1', hello('desk-1'), transport);
  await link.flushAll();
  transport.events!.hello('desk-1', hello('desk-1'), transport);
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.snapshots, snapshots + 2, 'two HELLOs within a second of each other: one snapshot');
  t.equal(link.counters.duplicateHellos, 2);
  advance(2500);
  transport.events!.hello('desk-1', hello('desk-1'), transport);
  await link.flushAll();
  t.equal(link.board('desk-1')!.stats.snapshots, snapshots + 3, 'a HELLO repeated after 2 s (the board missed it) is answered');
});
