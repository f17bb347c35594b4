// The serial write queue without a port: bound, drop policy, supersession, order, completion.
import t from 'tap';
import fc from 'fast-check';
import { WriteQueue } from '../../bridge/transports/serial/write-queue.ts';
import { deltas, snapshot } from './helpers/frames.ts';

t.test('writes while the port takes them, holds while it drains', async (t) => {
  const written: number[] = [];
  let room = 2;
  const q = new WriteQueue({ maxPendingBytes: 10_000, onOverflow: () => t.fail('no overflow') });
  q.attach((chunk) => {
    written.push(chunk.length);
    return --room > 0;
  });
  const sent = q.enqueue(deltas(5));
  t.equal(written.length, 2, 'two chunks, then full');
  t.equal(q.stats.stalls, 1);
  room = 100;
  q.drained();
  await sent;
  t.equal(written.length, 5);
  t.equal(q.pendingBytes, 0);
});

t.test('overflow drops the oldest deltas, asks for a snapshot, then drops deltas until one comes', async (t) => {
  const signals: number[] = [];
  let clock = 0;
  const q = new WriteQueue({ maxPendingBytes: 60, onOverflow: (seq) => void signals.push(seq), now: () => clock });
  const out: Uint8Array[] = [];
  let open = false;
  q.attach((chunk) => {
    out.push(chunk);
    return open;
  });
  const first = deltas(10, 100); // ~16 bytes each framed
  const done = q.enqueue(first);
  t.equal(out.length, 1, 'one written, then the port is full');
  t.ok(q.pendingBytes <= 60);
  t.ok(q.stats.deltasDropped > 0);
  t.same(signals, [100], 'resync asked once, with the seq of the last frame written');
  await q.enqueue(deltas(3, 200)); // dropped at once: they count as done
  t.equal(signals.length, 1, 'not again within the resignal period');
  clock += 2500;
  void q.enqueue(deltas(1, 300));
  t.equal(signals.length, 2, 'asked again after 2 s of deltas instead of a snapshot');

  const waiting = q.stats.deltasDropped;
  const snap = snapshot(40, 500);
  const s = q.enqueue(snap);
  t.ok(q.stats.superseded > 0, 'what waited was superseded');
  t.equal(q.stats.deltasDropped, waiting);
  open = true;
  q.drained();
  await s;
  await done; // the first batch: partly written, partly dropped, partly superseded, all done
  t.equal(q.pendingBytes, 0);
  void q.enqueue(deltas(2, 600));
  t.equal(q.stats.deltasDropped, waiting, 'deltas flow again after the snapshot');
});

t.test('detach drops what waits and releases every sender', async (t) => {
  const q = new WriteQueue({ onOverflow: () => {} });
  q.attach(() => false);
  const p = q.enqueue(deltas(4));
  q.detach();
  await p;
  t.equal(q.stats.droppedOnClose, 3);
  t.equal(q.pendingBytes, 0);
});

t.test('property: bounded, every send completes, written seqs keep their order', async (t) => {
  const batch = fc.oneof(
    fc.record({ kind: fc.constant('delta' as const), n: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('snapshot' as const), n: fc.integer({ min: 1, max: 300 }) }),
    fc.record({ kind: fc.constant('drain' as const), n: fc.integer({ min: 0, max: 20 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(batch, { maxLength: 60 }), fc.integer({ min: 64, max: 4096 }), async (ops, max) => {
      const q = new WriteQueue({ maxPendingBytes: max, onOverflow: () => {} });
      let room = 0;
      const order: number[] = [];
      let seq = 0;
      q.attach((chunk) => {
        order.push(chunk.length);
        return --room > 0;
      });
      const sends: Promise<void>[] = [];
      let lastSnapshot = 0;
      for (const op of ops) {
        if (op.kind === 'drain') {
          room = op.n;
          q.drained();
        } else {
          const frames = op.kind === 'delta' ? deltas(op.n, seq) : snapshot(op.n, seq);
          seq += frames.length;
          if (op.kind === 'snapshot') lastSnapshot = frames.reduce((a, f) => a + f.length + Math.ceil(f.length / 254) + 1, 0);
          sends.push(q.enqueue(frames));
        }
        if (q.pendingBytes > max + lastSnapshot) return false;
      }
      q.detach();
      await Promise.all(sends);
      return q.pendingBytes === 0;
    }),
    { numRuns: 200 },
  );
  t.pass('held for 200 runs');
});
