// Deterministic inputs for fuzzing and cross-runtime comparison: valid frames built from random
// messages, and mutations of them. Mutated frames get their CRC recomputed half of the time, so
// the fuzz reaches the message parser instead of stopping at the checksum.
import { crc16Bytes, encodeFrameBytes, LAYOUTS, MSG, STR, U16, U8 } from '../../protocol/codec/index.ts';
import type { Message } from '../../protocol/codec/index.ts';

/** mulberry32: small, fast, seedable; the corpus is the same on every run and machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = Object.values(MSG);

export function randomMessage(rand: () => number): Message {
  const type = TYPES[Math.floor(rand() * TYPES.length)];
  const m: Record<string, number | string> = { type };
  for (const field of LAYOUTS[type]) {
    if (field.kind === U8) m[field.name] = Math.floor(rand() * 256);
    else if (field.kind === U16) m[field.name] = Math.floor(rand() * 65536);
    else if (field.kind === STR) {
      const len = Math.floor(rand() * 24);
      m[field.name] = Array.from({ length: len }, () => String.fromCharCode(Math.floor(rand() * 256))).join('');
    } else m[field.name] = Math.floor(rand() * 65536) * 100;
  }
  return m as unknown as Message;
}

export function randomFrame(rand: () => number): number[] {
  const messages = Array.from({ length: Math.floor(rand() * 12) }, () => randomMessage(rand));
  const r = encodeFrameBytes({ flags: Math.floor(rand() * 256), seq: Math.floor(rand() * 65536), messages });
  if (r.error !== undefined) throw new Error(r.error);
  return r.bytes;
}

function fixCrc(bytes: number[]): number[] {
  if (bytes.length < 8) return bytes;
  const crc = crc16Bytes(bytes, 0, bytes.length - 2);
  bytes[bytes.length - 2] = crc >> 8;
  bytes[bytes.length - 1] = crc & 0xff;
  return bytes;
}

export function mutate(bytes: number[], rand: () => number): number[] {
  const out = bytes.slice();
  const ops = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < ops; i++) {
    const at = Math.floor(rand() * (out.length + 1));
    const op = Math.floor(rand() * 5);
    if (op === 0 && out.length > 0) out[at % out.length] ^= 1 << Math.floor(rand() * 8);
    else if (op === 1) out.splice(at, 0, Math.floor(rand() * 256));
    else if (op === 2 && out.length > 0) out.splice(at % out.length, 1 + Math.floor(rand() * 8));
    else if (op === 3) out.length = Math.min(out.length, at);
    else out[at % Math.max(1, out.length)] = Math.floor(rand() * 256);
  }
  return rand() < 0.5 ? fixCrc(out) : out;
}

/** `count` inputs: a third valid frames, a third mutated ones, a third random bytes. */
export function corpus(seed: number, count: number): number[][] {
  const rand = prng(seed);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (kind === 0) out.push(randomFrame(rand));
    else if (kind === 1) out.push(mutate(randomFrame(rand), rand));
    else out.push(Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256)));
  }
  return out;
}

export const toHex = (bytes: number[] | Uint8Array): string => Buffer.from(bytes as Uint8Array).toString('hex');
