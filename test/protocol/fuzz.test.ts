// Fuzz: 100,000+ random and mutated frames through the decoder (no throw, no hang; each result
// is a frame that re-encodes to itself or an error with a known code, an in-range offset and a
// reason), and random byte streams through the stream decoder (garbage is counted, real frames
// after it still arrive).
import t from 'tap';
import fc from 'fast-check';
import {
  decode,
  ERR,
  encodeFrame,
  StreamDecoder,
  streamFrame,
  toBinaryString,
  checkFrame,
} from '../../protocol/index.ts';
import { corpus, mutate, prng, randomFrame } from './corpus.ts';

const CODES = new Set(Object.values(ERR));

function assertSane(bytes: Uint8Array): string | undefined {
  const r = decode(bytes, { maxFrame: 1024 });
  if (r.ok) {
    // Known messages re-encode to a frame that decodes to the same messages.
    const again = decode(encodeFrame({ flags: r.flags, seq: r.seq, messages: r.messages }), { maxFrame: 65535 });
    if (!again.ok) return `re-encoded frame fails: ${again.reason}`;
    if (JSON.stringify(again.messages) !== JSON.stringify(r.messages)) return 'round trip changed the messages';
    const info = checkFrame(toBinaryString(bytes));
    if (!info.ok || info.count !== r.messages.length) return 'checkFrame disagrees with decodeFrame';
    return undefined;
  }
  if (!CODES.has(r.code)) return `unknown error code ${r.code}`;
  if (!(r.offset >= 0 && r.offset <= Math.max(bytes.length, 1024))) return `offset ${r.offset} out of range`;
  if (typeof r.reason !== 'string' || r.reason.length === 0) return 'no reason';
  return undefined;
}

t.test('fast-check: random bytes, valid frames and mutations (100,000 runs)', async (t) => {
  const valid = fc.integer().map((seed) => randomFrame(prng(seed)));
  const mutated = fc.tuple(fc.integer(), fc.integer()).map(([a, b]) => mutate(randomFrame(prng(a)), prng(b)));
  const input = fc.oneof(fc.uint8Array({ maxLength: 1100 }).map((u) => Array.from(u)), valid, mutated);
  let errors = 0;
  let frames = 0;
  fc.assert(
    fc.property(input, (bytes) => {
      const problem = assertSane(Uint8Array.from(bytes));
      if (problem !== undefined) throw new Error(problem);
      if (decode(Uint8Array.from(bytes)).ok) frames++;
      else errors++;
    }),
    { numRuns: 100_000, seed: 42 },
  );
  t.ok(frames > 10_000, `many inputs were valid frames (${frames})`);
  t.ok(errors > 10_000, `many inputs were rejected (${errors})`);
});

t.test('deterministic corpus, including mutations with fixed CRC', async (t) => {
  const inputs = corpus(7, 30_000);
  const codes: Record<string, number> = {};
  for (const bytes of inputs) {
    const problem = assertSane(Uint8Array.from(bytes));
    if (problem !== undefined) {
      t.fail(problem);
      break;
    }
    const r = decode(Uint8Array.from(bytes));
    const key = r.ok ? 'ok' : r.code;
    codes[key] = (codes[key] ?? 0) + 1;
  }
  // The corpus must reach past the CRC into the message parser.
  for (const code of ['ok', 'bad-crc', 'bad-length', 'short-message', 'truncated', 'bad-magic']) {
    t.ok((codes[code] ?? 0) > 0, `corpus reaches ${code} (${codes[code] ?? 0})`);
  }
});

t.test('stream decoder: garbage between frames is counted, frames still arrive', async (t) => {
  const rand = prng(99);
  for (let round = 0; round < 300; round++) {
    const sent = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => Uint8Array.from(randomFrame(rand)));
    const got: number[] = [];
    const stream = new StreamDecoder({ onFrame: (f) => got.push(f.seq) });
    const parts: number[] = [];
    for (const frame of sent) {
      // Random garbage, then a delimiter so the receiver is back in step, then the frame.
      const garbage = Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256));
      parts.push(...garbage, 0, ...streamFrame(frame));
    }
    const all = Uint8Array.from(parts);
    for (let at = 0; at < all.length; ) {
      const n = 1 + Math.floor(rand() * 50);
      stream.push(all.subarray(at, at + n));
      at += n;
    }
    const expected = sent.map((f) => (f[4] << 8) | f[5]);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      t.same(got, expected, `round ${round}: every frame after garbage arrives`);
      return;
    }
  }
  t.pass('300 rounds of frames behind garbage all arrived');
});

t.test('stream decoder: a block that never ends is dropped and counted, memory stays bounded', async (t) => {
  const seen: string[] = [];
  const stream = new StreamDecoder({ onFrame: () => seen.push('frame'), onError: (e) => seen.push(e.code) });
  const flood = new Uint8Array(5000).fill(0x41);
  stream.push(flood);
  stream.push(flood);
  const frame = encodeFrame({ flags: 0, seq: 9, messages: [] });
  stream.push(Uint8Array.from([0, ...streamFrame(frame)]));
  t.same(seen, ['overflow', 'frame']);
  t.equal(stream.stats.overflows, 1);
  t.ok(stream.stats.droppedBytes >= 10_000);
});
