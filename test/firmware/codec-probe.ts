// The codec seen from inside a build: each function takes hex and returns plain text, so the same
// outcome can be compared across builds whatever they do to property names (the Espruino build
// mangles them and drops error reasons; see espruino-codec.test.ts). Portable subset.
import { cobsDecode, Deframer } from '../../protocol/codec/cobs.ts';
import { decodeFrame } from '../../protocol/codec/decoder.ts';
import type { DecodeLimits } from '../../protocol/codec/decoder.ts';
import type { DecodeError } from '../../protocol/codec/errors.ts';
import { LAYOUTS } from '../../protocol/codec/layout.ts';

const DIGITS = '0123456789abcdef';

function unhex(hex: string): string {
  let s = '';
  for (let i = 0; i + 1 < hex.length; i = i + 2) s = s + String.fromCharCode(DIGITS.indexOf(hex.charAt(i)) * 16 + DIGITS.indexOf(hex.charAt(i + 1)));
  return s;
}

function hexOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out = out + DIGITS.charAt(Math.floor(s.charCodeAt(i) / 16)) + DIGITS.charAt(s.charCodeAt(i) % 16);
  return out;
}

function errorText(e: DecodeError): string {
  return 'error ' + e.code + ' at ' + e.offset;
}

/** decodeFrame's outcome: the error's code and offset, or the header and every message field. */
export function decodeOutcome(hex: string, maxFrame: number, maxMessages: number): string {
  const limits: DecodeLimits = {};
  if (maxFrame >= 0) limits.maxFrame = maxFrame;
  if (maxMessages >= 0) limits.maxMessages = maxMessages;
  const r = decodeFrame(unhex(hex), limits);
  if (!r.ok) return errorText(r);
  let out = 'ok flags=' + r.flags + ' seq=' + r.seq + ' skipped=' + r.skipped + ' size=' + r.size;
  for (let i = 0; i < r.messages.length; i++) {
    const m = r.messages[i] as unknown as { [field: string]: number | string };
    const layout = LAYOUTS[m.type as number];
    out = out + ' |' + m.type;
    for (let k = 0; k < layout.length; k++) out = out + ' ' + layout[k].name + '=' + m[layout[k].name];
  }
  return out;
}

export function cobsOutcome(hex: string): string {
  const r = cobsDecode(unhex(hex));
  return r.ok ? 'ok ' + hexOf(r.data) : errorText(r);
}

/** Feeds the chunks (hex, space separated) to a Deframer; returns frames, errors and counters. */
export function deframeOutcome(chunks: string, maxFrame: number): string {
  let out = '';
  const d = new Deframer(
    (f: string) => {
      out = out + 'frame ' + hexOf(f) + '\n';
    },
    (e: DecodeError) => {
      out = out + errorText(e) + '\n';
    },
    maxFrame,
  );
  let at = 0;
  while (at < chunks.length) {
    let end = at;
    while (end < chunks.length && chunks.charCodeAt(end) !== 32) end = end + 1;
    d.push(unhex(chunks.substring(at, end)));
    at = end + 1;
  }
  const s = d.stats;
  return out + 'frames=' + s.frames + ' bad=' + s.bad + ' overflows=' + s.overflows + ' dropped=' + s.droppedBytes;
}
