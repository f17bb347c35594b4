// Encoder behaviour beyond the vectors: splitting to the board's max frame size, snapshots,
// sequence wrap, and clear errors (never clamping) for values that do not fit.
import t from 'tap';
import {
  decode,
  DEFAULT_MAX_FRAME,
  encodeFrame,
  EncodeError,
  encodeSnapshot,
  FLAG,
  fromNamed,
  MIN_MAX_FRAME,
  MSG,
  packFrames,
  POD_STATE,
  toNamed,
} from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';

const podAdds = (n: number): Message[] =>
  Array.from({ length: n }, (_, i) => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: i % 4, state: POD_STATE.RUNNING }));

t.test('packFrames splits to the max frame size and keeps order and seq', async (t) => {
  for (const maxFrame of [MIN_MAX_FRAME, 512, DEFAULT_MAX_FRAME]) {
    const messages = podAdds(500);
    const frames = packFrames(messages, { seq: 65534, maxFrame });
    t.ok(frames.every((f) => f.length <= maxFrame), `all frames <= ${maxFrame}`);
    const decoded = frames.map((f) => decode(f, { maxFrame }));
    const seqs = decoded.map((d) => (d.ok ? d.seq : -1));
    t.same(seqs, seqs.map((_, i) => (65534 + i) & 0xffff), 'consecutive seq, wrapping at 65536');
    const all = decoded.flatMap((d) => (d.ok ? d.messages : []));
    t.same(all, messages, 'every message, in order');
    // Greedy packing: every frame but the last is too full to take one more message (7 bytes).
    t.ok(frames.slice(0, -1).every((f) => f.length + 7 > maxFrame), 'frames are full');
  }
  t.equal(packFrames([], { seq: 1 }).length, 1, 'an empty list is one empty frame');
});

t.test('a delta event is a few bytes', async (t) => {
  const frame = encodeFrame({ flags: 0, seq: 1, messages: [{ type: MSG.POD_STATE, pod: 12, state: POD_STATE.RUNNING }] });
  t.equal(frame.length, 6 + 5 + 2, 'header 6 + POD_STATE 5 + CRC 2');
});

t.test('encodeSnapshot', async (t) => {
  const state = podAdds(200);
  const frames = encodeSnapshot(state, { snapshot: 9, seq: 10, maxFrame: 300 });
  const decoded = frames.map((f) => decode(f, { maxFrame: 300 }));
  t.ok(decoded.every((d) => d.ok && (d.flags & FLAG.SNAPSHOT) !== 0), 'every frame decodes and has the SNAPSHOT flag');
  const messages = decoded.flatMap((d) => (d.ok ? d.messages : []));
  t.same(messages[0], { type: MSG.SNAPSHOT_BEGIN, snapshot: 9, frames: frames.length });
  t.same(messages[messages.length - 1], { type: MSG.SNAPSHOT_END, snapshot: 9, messages: 200 });
  t.same(messages.slice(1, -1), state);
  t.throws(() => encodeSnapshot(podAdds(20000), { snapshot: 1, seq: 0, maxFrame: MIN_MAX_FRAME }), EncodeError, 'more than 255 frames is refused, not truncated');
});

t.test('invalid input is refused with a reason, never clamped', async (t) => {
  const bad: [string, Message][] = [
    ['pod handle too large', { type: MSG.POD_DEL, pod: 70000 }],
    ['negative', { type: MSG.POD_STATE, pod: -1, state: 2 }],
    ['fraction', { type: MSG.GROUP, group: 1.5, r: 0, g: 0, b: 0, flags: 0 }],
    ['missing field', { type: MSG.CLUSTER, lane: 1 } as unknown as Message],
    ['non-byte string', { type: MSG.LANE, lane: 0, first: 0, count: 1, kind: 0, label: 'zürich✓' }],
    ['unknown type', { type: 0x7e } as unknown as Message],
  ];
  for (const [label, m] of bad) {
    t.throws(() => encodeFrame({ flags: 0, seq: 0, messages: [m] }), EncodeError, label);
  }
  t.throws(() => encodeFrame({ flags: 0, seq: 65536, messages: [] }), /seq/);
  t.throws(() => packFrames(podAdds(3), { seq: 0, maxFrame: 100 }), /below the protocol minimum/);
});

t.test('named form round trip and unknown names', async (t) => {
  const named = { type: 'POD_ADD', pod: 1, lane: 2, group: 3, state: 'crash-loop' };
  t.same(toNamed(fromNamed(named)), named);
  t.throws(() => fromNamed({ type: 'POD_ADD', pod: 1, lane: 2, group: 3, state: 'exploded' }), /unknown state 'exploded'/);
  t.throws(() => fromNamed({ type: 'NOPE' }), /unknown message type/);
  t.same(toNamed({ type: MSG.POD_STATE, pod: 1, state: 42 }), { type: 'POD_STATE', pod: 1, state: 42 }, 'values from a newer bridge stay numbers');
});

t.test('UTF-8 labels travel as bytes', async (t) => {
  const label = Buffer.from('zürich', 'utf8').toString('latin1');
  const d = decode(encodeFrame({ flags: 0, seq: 0, messages: [{ type: MSG.LANE, lane: 0, first: 0, count: 8, kind: 0, label }] }));
  t.ok(d.ok);
  if (d.ok && d.messages[0].type === MSG.LANE) t.equal(Buffer.from(d.messages[0].label, 'latin1').toString('utf8'), 'zürich');
});
