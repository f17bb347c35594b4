// The two frames a board sends (HELLO, RESYNC), written straight into a binary string. The
// codec's general encoder (encodeFrameBytes) validates any message and would cost the Lua bundle
// ~2 KB; these two fixed layouts need a few lines. test/firmware/upstream.test.ts proves the bytes
// equal encodeFrameBytes' output for the same messages.
// Portable subset.

import { crc16String } from '../../protocol/codec/crc16.ts';
import { FLAG, MSG, PROTOCOL_VERSION } from '../../protocol/codec/types.ts';

function u8(v: number): string {
  return String.fromCharCode(v);
}

function u16(v: number): string {
  return String.fromCharCode(Math.floor(v / 256), v % 256);
}

/** A length-prefixed string, cut at 255 bytes (the field's limit) rather than sent broken. */
function str(s: string): string {
  const b = s.length > 255 ? s.substring(0, 255) : s;
  return u8(b.length) + b;
}

function frame(seq: number, type: number, payload: string): string {
  // MAGIC_0 MAGIC_1 are 'PL'.
  const body = 'PL' + u8(PROTOCOL_VERSION) + u8(FLAG.UPSTREAM) + u16(seq) + u8(type) + u8(payload.length) + payload;
  return body + u16(crc16String(body, 0, body.length));
}

export function helloFrame(
  seq: number,
  ledCount: number,
  maxFrame: number,
  caps: number,
  boardId: string,
  profile: string,
  firmware: string,
): string {
  const v = u8(PROTOCOL_VERSION);
  return frame(seq, MSG.HELLO, v + v + u16(ledCount) + u16(maxFrame) + u16(caps) + str(boardId) + str(profile) + str(firmware));
}

export function resyncFrame(seq: number, lastSeq: number, reason: number): string {
  return frame(seq, MSG.RESYNC, u16(lastSeq) + u8(reason));
}
