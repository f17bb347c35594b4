// Stream framing for byte pipes (USB serial): Consistent Overhead Byte Stuffing with 0x00 as the
// delimiter. COBS rather than SLIP because frames are full of zero bytes (small u16 values) and
// COBS costs at most one byte in 254 whatever the data, where SLIP can double a frame; and a
// receiver that joins mid-stream or reads garbage is back in step at the next 0x00.
// Portable subset.

import { decodeError, ERR } from './errors.ts';
import type { DecodeError } from './errors.ts';
import { DEFAULT_MAX_FRAME } from './types.ts';

/** COBS-encodes `bytes`; the result contains no 0x00. The caller appends the delimiter. */
export function cobsEncode(bytes: number[]): number[] {
  const out: number[] = [0];
  let codeAt = 0;
  let code = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0) {
      out[codeAt] = code;
      codeAt = out.length;
      out.push(0);
      code = 1;
    } else {
      out.push(b);
      code = code + 1;
      // A full group of 254 bytes closes; a new group opens only if more bytes follow, which
      // keeps the encoding canonical (no trailing 0x01 after a final full group).
      if (code === 0xff && i < bytes.length - 1) {
        out[codeAt] = code;
        codeAt = out.length;
        out.push(0);
        code = 1;
      }
    }
  }
  out[codeAt] = code;
  return out;
}

export interface CobsDecoded {
  ok: true;
  data: string;
}

/** Decodes one COBS block (without its delimiter) given as a binary string. */
export function cobsDecode(block: string): CobsDecoded | DecodeError {
  let out = '';
  let at = 0;
  const n = block.length;
  while (at < n) {
    const code = block.charCodeAt(at);
    if (code === 0) return decodeError(ERR.BAD_COBS, at, 'zero byte inside a COBS block');
    const next = at + code;
    if (next > n) return decodeError(ERR.BAD_COBS, at, 'COBS code ' + code + ' runs past the end of the block');
    for (let i = at + 1; i < next; i++) {
      if (block.charCodeAt(i) === 0) return decodeError(ERR.BAD_COBS, i, 'zero byte inside a COBS block');
    }
    out = out + block.substring(at + 1, next);
    at = next;
    // A code of 0xFF means 254 data bytes with no zero after them; the final group has no zero.
    if (code !== 0xff && at < n) out = out + String.fromCharCode(0);
  }
  return { ok: true, data: out };
}

/** Largest COBS block a frame of `maxFrame` bytes can become. */
export function cobsMaxEncoded(maxFrame: number): number {
  return maxFrame + Math.floor(maxFrame / 254) + 1;
}

/** Callbacks take no `this` (typescript-to-lua then calls them without a self argument). */
export type FrameSink = (this: void, frame: string) => void;
export type ErrorSink = (this: void, err: DecodeError) => void;

export interface DeframerStats {
  /** Blocks that decoded and were handed on. */
  frames: number;
  /** Blocks whose COBS encoding was broken. */
  bad: number;
  /** Blocks dropped for growing past the limit before their delimiter. */
  overflows: number;
  /** Bytes thrown away (broken and overflowing blocks). */
  droppedBytes: number;
}

/**
 * Splits a byte stream at 0x00 delimiters and COBS-decodes each block. Garbage costs at most the
 * block it lands in; nothing grows without bound; every drop is counted in `stats`.
 */
export class Deframer {
  stats: DeframerStats;
  private pending: string;
  private discarding: boolean;
  private readonly maxBlock: number;
  private readonly onFrame: FrameSink;
  private readonly onError: ErrorSink;

  constructor(onFrame: FrameSink, onError: ErrorSink, maxFrame?: number) {
    this.onFrame = onFrame;
    this.onError = onError;
    this.maxBlock = cobsMaxEncoded(maxFrame !== undefined ? maxFrame : DEFAULT_MAX_FRAME);
    this.pending = '';
    this.discarding = false;
    this.stats = { frames: 0, bad: 0, overflows: 0, droppedBytes: 0 };
  }

  /** Feeds a chunk of the stream (a binary string). */
  push(chunk: string): void {
    let start = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      if (chunk.charCodeAt(i) === 0) {
        this.append(chunk.substring(start, i));
        this.finishBlock();
        start = i + 1;
      }
    }
    if (start < n) this.append(chunk.substring(start, n));
  }

  private append(part: string): void {
    if (this.discarding) {
      this.stats.droppedBytes = this.stats.droppedBytes + part.length;
      return;
    }
    this.pending = this.pending + part;
    if (this.pending.length > this.maxBlock) {
      this.stats.overflows = this.stats.overflows + 1;
      this.stats.droppedBytes = this.stats.droppedBytes + this.pending.length;
      this.onError(decodeError(ERR.OVERFLOW, this.pending.length, 'no delimiter within ' + this.maxBlock + ' bytes'));
      this.pending = '';
      this.discarding = true;
    }
  }

  private finishBlock(): void {
    const block = this.pending;
    this.pending = '';
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    // Back-to-back delimiters are legal: a sender may flush a receiver's garbage with one.
    if (block.length === 0) return;
    const r = cobsDecode(block);
    if (r.ok) {
      this.stats.frames = this.stats.frames + 1;
      this.onFrame(r.data);
    } else {
      this.stats.bad = this.stats.bad + 1;
      this.stats.droppedBytes = this.stats.droppedBytes + block.length;
      this.onError(r);
    }
  }
}
