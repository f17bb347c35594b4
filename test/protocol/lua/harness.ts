// Test harness compiled into the Lua bundle *and* run by Node: it decodes hex input with the
// portable decoder and prints the result in one canonical text form. Because the same source
// runs on every runtime, comparing the printed lines compares the decoders byte for byte,
// including Lua's number formatting (a float where an integer belongs shows as "3.0").
// Portable subset.
import { decodeFrame } from '../../../protocol/codec/decoder.ts';
import { LAYOUTS } from '../../../protocol/codec/layout.ts';
import { cobsDecode, Deframer } from '../../../protocol/codec/cobs.ts';
import type { Message } from '../../../protocol/codec/types.ts';
import type { DecodeError } from '../../../protocol/codec/errors.ts';

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return c - 55;
}

export function hexToBinary(hex: string): string {
  let s = '';
  for (let i = 0; i + 1 < hex.length; i = i + 2) {
    s = s + String.fromCharCode(nibble(hex.charCodeAt(i)) * 16 + nibble(hex.charCodeAt(i + 1)));
  }
  return s;
}

function hexOf(s: string): string {
  const digits = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out = out + digits.charAt(Math.floor(c / 16)) + digits.charAt(c % 16);
  }
  return out;
}

function showMessage(m: Message): string {
  const fields = m as unknown as { [name: string]: number | string };
  const layout = LAYOUTS[m.type];
  let out = '{type=' + m.type;
  for (let i = 0; i < layout.length; i++) {
    const v = fields[layout[i].name];
    out = out + ',' + layout[i].name + '=' + (typeof v === 'string' ? 'x' + hexOf(v) : '' + v);
  }
  return out + '}';
}

function showError(e: DecodeError): string {
  return 'error code=' + e.code + ' offset=' + e.offset + ' reason=' + e.reason;
}

/** Decodes one frame given as hex; maxMessages < 0 means no limit. */
export function decodeHex(hex: string, maxFrame: number, maxMessages: number): string {
  const r =
    maxMessages >= 0
      ? decodeFrame(hexToBinary(hex), { maxFrame: maxFrame, maxMessages: maxMessages })
      : decodeFrame(hexToBinary(hex), { maxFrame: maxFrame });
  if (!r.ok) return showError(r);
  let out = 'frame version=' + r.version + ' flags=' + r.flags + ' seq=' + r.seq + ' skipped=' + r.skipped + ' size=' + r.size;
  for (let i = 0; i < r.messages.length; i++) out = out + ' ' + showMessage(r.messages[i]);
  return out;
}

/** COBS-decodes one block given as hex. */
export function cobsHex(hex: string): string {
  const r = cobsDecode(hexToBinary(hex));
  return r.ok ? 'data ' + hexOf(r.data) : showError(r);
}

/** Feeds a byte stream (hex) in chunks of `chunk` bytes through the Deframer and the decoder. */
export function streamHex(hex: string, chunk: number): string {
  const data = hexToBinary(hex);
  let out = '';
  const d = new Deframer(
    (frame: string) => {
      const r = decodeFrame(frame);
      out = out + (r.ok ? ' frame seq=' + r.seq + ' n=' + r.messages.length : ' bad ' + r.code);
    },
    (e: DecodeError) => {
      out = out + ' drop ' + e.code;
    },
  );
  for (let i = 0; i < data.length; i = i + chunk) d.push(data.substring(i, i + chunk));
  return (
    'stream frames=' + d.stats.frames + ' bad=' + d.stats.bad + ' overflows=' + d.stats.overflows +
    ' dropped=' + d.stats.droppedBytes + out
  );
}
