// The serial transport over real pseudo-terminals (socat): HELLO detection, frames on the wire,
// garbage, unplug and replug, and the bounded queue when the board stops reading.
import t from 'tap';
import type { Test } from 'tap';
import { MSG, packFrames } from '../../protocol/index.ts';
import { SerialTransport } from '../../bridge/transports/serial/transport.ts';
import type { SerialTransportOptions } from '../../bridge/transports/serial/transport.ts';
import { deltas, helloFrame, recorder, resyncFrame, snapshot } from './helpers/frames.ts';
import { FakeSerialBoard } from './helpers/fake-board.ts';
import { PtyPair, socatSkip } from './helpers/socat.ts';
import { waitFor } from './helpers/wait.ts';

const skip = socatSkip();

async function setup(t: Test, extra: Partial<SerialTransportOptions> = {}) {
  const pty = new PtyPair();
  await pty.start();
  t.teardown(() => pty.stop());
  // The board's end opens first: opening a tty flushes its input, which would eat what the
  // transport writes on open.
  const board = new FakeSerialBoard(pty.board);
  await board.open();
  t.teardown(() => board.close());
  const transport = new SerialTransport({ path: pty.host, backoff: { initialMs: 50, maxMs: 200 }, ...extra });
  const rec = recorder();
  await transport.start(rec.events);
  t.teardown(() => transport.stop());
  return { pty, transport, board, ...rec };
}

t.test('HELLO makes the board known; frames arrive decodable and in order', { skip }, async (t) => {
  const { transport, board, seen } = await setup(t);
  t.equal(transport.health().state, 'degraded', 'open, no board yet');
  t.match(transport.health().detail, /no HELLO yet/);
  await t.rejects(transport.send('desk-1', deltas(1)), /not connected/, 'unknown board before HELLO');

  await board.sendFrame(helloFrame('desk-1'));
  await waitFor('hello', () => seen.hellos.length === 1);
  t.equal(seen.hellos[0].boardId, 'desk-1');
  t.equal(seen.hellos[0].via, transport.name);
  t.match(transport.name, /^serial:\//);
  t.equal(transport.health().state, 'up');
  t.match(transport.health().detail, /board desk-1/);

  const frames = [...snapshot(200), ...deltas(30, 500)];
  await transport.send('desk-1', frames);
  await waitFor('all frames at the board', () => board.frames.length === frames.length);
  t.same(board.frames.map((f) => f.seq), [...snapshot(200).map((_, i) => 10 + i), ...deltas(30, 500).map((_, i) => 500 + i)]);
  t.equal(board.frames[0].messages[0].type, MSG.SNAPSHOT_BEGIN);
  t.equal(board.raw[0], 0, 'a delimiter first, to flush the board');
  t.equal(board.stats.bad, 0);
  await t.resolves(transport.retainSnapshot(), 'retainSnapshot is a no-op');
});

t.test('garbage before and between frames is skipped and counted', { skip }, async (t) => {
  const { transport, board, seen } = await setup(t);
  await board.sendFrame(resyncFrame(3)); // before HELLO: nobody to resync
  await waitFor('resync before hello counted', () => transport.health().counters.resyncBeforeHello === 1);
  await board.write(Buffer.from('Espruino REPL banner\r\n>')); // no delimiter: joins the next block
  await board.write([0]);
  await board.sendFrame(helloFrame('desk-2'));
  await board.write([0x11, 0x22, 0x00, 0x00, 0x05, 0xff, 0x00]); // junk blocks
  const noFlag = deltas(1)[0];
  await board.sendFrame(noFlag); // a well-formed frame that is not upstream
  await board.sendFrame(resyncFrame(7));
  await waitFor('hello and resync', () => seen.hellos.length === 1 && seen.resyncs.length === 1);
  t.equal(seen.resyncs[0].boardId, 'desk-2');
  t.equal(seen.resyncs[0].resync.lastSeq, 7);
  const c = transport.health().counters;
  t.ok(c.badBlocks + c.badFrames >= 2, `bad blocks ${c.badBlocks}, bad frames ${c.badFrames}`);
  t.equal(c.badUpstream, 1, 'frame without the UPSTREAM flag');
  t.equal(transport.health().state, 'up');
});

t.test('unplug: gone and down; replug at the same path: reopened, HELLO again', { skip }, async (t) => {
  const { pty, transport, board, seen } = await setup(t);
  await board.sendFrame(helloFrame('desk-3'));
  await waitFor('hello', () => seen.hellos.length === 1);

  await board.close();
  await pty.kill();
  await waitFor('gone', () => seen.gone.includes('desk-3'));
  t.equal(transport.health().state, 'down');
  t.match(transport.health().detail, /not open.*was board desk-3/);
  await t.rejects(transport.send('desk-3', deltas(1)), /not connected/);
  await waitFor('a failed reopen', () => transport.health().counters.openFailures >= 1);

  await pty.start();
  await waitFor('reopened', () => transport.health().counters.opens === 2, 5000);
  const again = new FakeSerialBoard(pty.board);
  await again.open();
  t.teardown(() => again.close());
  await again.sendFrame(helloFrame('desk-3'));
  await waitFor('hello again', () => seen.hellos.length === 2);
  t.equal(transport.health().state, 'up');
  await transport.send('desk-3', deltas(5));
  await waitFor('frames after replug', () => again.frames.length === 5);
  t.equal(transport.health().counters.closes, 1);
});

t.test('a board that stops reading: the queue stays bounded, deltas are dropped, a snapshot is asked for', { skip }, async (t) => {
  const max = 4096;
  const { pty, transport, board, seen } = await setup(t, { maxPendingBytes: max, sendTimeoutMs: 100, highWaterMark: 1024 });
  await board.sendFrame(helloFrame('desk-4'));
  await waitFor('hello', () => seen.hellos.length === 1);
  await board.close(); // nobody reads the board's end any more: the pty, then socat, fill up

  // Big deltas (~250 bytes each), far more than the pty and socat can buffer.
  const big = (seq: number): Uint8Array[] =>
    packFrames(
      Array.from({ length: 60 }, (_, i) => ({ type: MSG.POD_STATE, pod: i, state: seq % 9 }) as const),
      { seq },
    );
  const sends: Promise<void>[] = [];
  for (let i = 0; i < 600; i++) sends.push(transport.send('desk-4', big(i)));
  await Promise.all(sends);
  const h = transport.health().counters;
  t.ok(h.deltasDropped > 0, `dropped ${h.deltasDropped} deltas`);
  t.ok(h.pendingBytes <= max, `pending ${h.pendingBytes} <= ${max}`);
  t.ok(h.syntheticResyncs >= 1, 'a synthetic resync');
  t.ok(h.stalls >= 1, 'the port said full');
  t.ok(seen.resyncs.length >= 1 && seen.resyncs[0].boardId === 'desk-4', 'the link hears a resync for the board');
  t.equal(transport.health().state, 'up', 'a slow board is still a connected board');

  // The link answers with a snapshot: it replaces whatever waits (write-queue.test.ts proves that
  // without a pty, deterministically).
  const waiting = transport.health().counters.pendingBytes;
  const sent = transport.send('desk-4', snapshot(50, 9000));
  if (waiting > 0) t.ok(transport.health().counters.superseded > 0, `the ${waiting} waiting bytes made way for the snapshot`);
  else t.pass('nothing was waiting any more; the snapshot goes out alone');
  await sent;
  // The board reads again. Opening a tty flushes its input, so whatever already sat in the
  // kernel's buffers (maybe part of that snapshot, on a loaded machine) is gone: a real board
  // asks again with RESYNC, and the link answers with a new snapshot, which must arrive whole
  // behind whatever the pipe still held.
  const reader = new FakeSerialBoard(pty.board);
  await reader.open();
  t.teardown(() => reader.close());
  const snap = snapshot(50, 20000);
  await transport.send('desk-4', snap);
  const ends = (): boolean => reader.frames.some((f) => f.seq >= 20000 && f.messages.some((m) => m.type === MSG.SNAPSHOT_END));
  await waitFor('snapshot at the board', ends, 30000);
  const fromSnap = reader.frames.filter((f) => f.seq >= 20000);
  t.equal(fromSnap.length, snap.length, 'the whole snapshot arrived');
});

t.test('a path that does not exist: down, retried until stop()', { skip }, async (t) => {
  const transport = new SerialTransport({ path: '/nonexistent/ttyPL0', backoff: { initialMs: 20, maxMs: 40 } });
  const { events } = recorder();
  await transport.start(events);
  t.equal(transport.health().state, 'down');
  t.match(transport.health().detail, /not open/);
  await waitFor('retries', () => transport.health().counters.openFailures >= 3);
  await transport.stop();
  const after = transport.health().counters.openFailures;
  await new Promise((r) => setTimeout(r, 100));
  t.equal(transport.health().counters.openFailures, after, 'no retries after stop');
  t.equal(transport.health().state, 'stopped');
});
