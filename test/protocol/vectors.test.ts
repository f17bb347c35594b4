// Golden vectors, both directions: encode(object) == hex and decode(hex) == object; every error
// vector's code, offset and reason; COBS vectors; the CRC's catalogue check value.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  cobsDecode,
  cobsEncode,
  crc16String,
  decode,
  encodeFrame,
  encodeSnapshot,
  fromNamed,
  toNamed,
} from '../../protocol/index.ts';
import type { NamedMessage } from '../../protocol/index.ts';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../protocol/vectors/${name}.json`, import.meta.url), 'utf8'));
const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');

interface FrameVector {
  name: string;
  hex: string;
  frame: { flags: number; seq: number; messages: NamedMessage[] };
}

t.test('CRC-16/CCITT-FALSE check value', async (t) => {
  t.equal(crc16String('123456789', 0, 9), 0x29b1);
});

for (const file of ['messages', 'frames']) {
  t.test(`${file}.json`, async (t) => {
    const { vectors } = load(file) as { vectors: FrameVector[] };
    t.ok(vectors.length > 0);
    for (const v of vectors) {
      const encoded = encodeFrame({ flags: v.frame.flags, seq: v.frame.seq, messages: v.frame.messages.map(fromNamed) });
      t.equal(hexOf(encoded), v.hex, `${v.name}: encode(object) == hex`);
      const decoded = decode(bytesOf(v.hex), { maxFrame: 65535 });
      if (!decoded.ok) {
        t.fail(`${v.name}: ${decoded.reason}`);
        continue;
      }
      t.same(
        { flags: decoded.flags, seq: decoded.seq, messages: decoded.messages.map(toNamed) },
        v.frame,
        `${v.name}: decode(hex) == object`,
      );
      t.equal(decoded.skipped, 0);
    }
  });
}

t.test('messages.json covers every message type', async (t) => {
  const { vectors } = load('messages') as { vectors: FrameVector[] };
  const seen = new Set(vectors.flatMap((v) => v.frame.messages.map((m) => m.type)));
  for (const type of ['HELLO', 'RESYNC', 'SNAPSHOT_BEGIN', 'SNAPSHOT_END', 'CONFIG', 'LANE', 'GROUP', 'POD_ADD', 'POD_STATE', 'POD_DEL', 'ROLLOUT', 'CLUSTER', 'HEARTBEAT']) {
    t.ok(seen.has(type), type);
  }
});

t.test('snapshot split across frames', async (t) => {
  const { snapshots } = load('frames') as {
    snapshots: { name: string; maxFrame: number; frames: (FrameVector['frame'] & { hex: string })[] }[];
  };
  for (const s of snapshots) {
    const all = s.frames.flatMap((f) => f.messages);
    const state = all.slice(1, -1).map(fromNamed);
    const begin = all[0];
    const frames = encodeSnapshot(state, { snapshot: Number(begin.snapshot), seq: s.frames[0].seq, maxFrame: s.maxFrame });
    t.same(frames.map(hexOf), s.frames.map((f) => f.hex), `${s.name}: encodeSnapshot == hex`);
    for (const f of s.frames) {
      t.ok(f.hex.length / 2 <= s.maxFrame, 'frame fits the max frame size');
      const d = decode(bytesOf(f.hex), { maxFrame: s.maxFrame });
      t.ok(d.ok && d.messages.map(toNamed), `${s.name} seq ${f.seq} decodes`);
      if (d.ok) t.same(d.messages.map(toNamed), f.messages);
    }
  }
});

t.test('errors.json', async (t) => {
  const { vectors } = load('errors') as {
    vectors: {
      name: string;
      hex: string;
      limits?: { maxFrame?: number; maxMessages?: number };
      error?: { code: string; offset: number; reason: string };
      frame?: FrameVector['frame'];
      skipped?: number;
    }[];
  };
  for (const v of vectors) {
    const r = decode(bytesOf(v.hex), v.limits);
    if (v.error) {
      t.same(r, { ok: false, ...v.error }, `${v.name}: ${v.error.code} at ${v.error.offset}`);
    } else if (r.ok) {
      t.same({ flags: r.flags, seq: r.seq, messages: r.messages.map(toNamed) }, v.frame, `${v.name}: decodes`);
      t.equal(r.skipped, v.skipped, `${v.name}: skipped count`);
    } else t.fail(`${v.name}: ${r.reason}`);
  }
  const codes = new Set(vectors.filter((v) => v.error).map((v) => v.error!.code));
  for (const code of ['truncated', 'bad-magic', 'bad-version', 'too-large', 'bad-crc', 'bad-length', 'short-message']) {
    t.ok(codes.has(code), `an error vector for ${code}`);
  }
});

t.test('cobs.json', async (t) => {
  const { vectors } = load('cobs') as { vectors: { name: string; data: string; encoded: string }[] };
  for (const v of vectors) {
    t.equal(hexOf(Uint8Array.from(cobsEncode(Array.from(bytesOf(v.data))))), v.encoded, `${v.name}: encode`);
    const d = cobsDecode(Buffer.from(v.encoded, 'hex').toString('latin1'));
    t.ok(d.ok, `${v.name}: decodes`);
    if (d.ok) t.equal(Buffer.from(d.data, 'latin1').toString('hex'), v.data, `${v.name}: decode`);
    t.notOk(v.encoded.match(/^(..)*00/), `${v.name}: no zero byte in the encoding`);
  }
});
