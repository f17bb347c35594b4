// Node-side decoding: the same portable decoder the firmware runs, fed from Uint8Array/Buffer.

import { decodeFrame } from './codec/decoder.ts';
import type { DecodeLimits, DecodedFrame } from './codec/decoder.ts';
import { Deframer } from './codec/cobs.ts';
import type { DecodeError } from './codec/errors.ts';

/** Bytes to the binary string (one char per byte) the portable decoder reads. */
export function toBinaryString(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function fromBinaryString(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

export function decode(bytes: Uint8Array, limits?: DecodeLimits): DecodedFrame | DecodeError {
  return decodeFrame(toBinaryString(bytes), limits);
}

export interface StreamDecoderOptions {
  onFrame: (frame: DecodedFrame) => void;
  /** Broken stream blocks and frames that fail to decode; they are counted, never fatal. */
  onError?: (err: DecodeError) => void;
  limits?: DecodeLimits;
}

/** Turns a byte stream (a serial port) into decoded frames; garbage is counted and skipped. */
export class StreamDecoder {
  private readonly deframer: Deframer;
  /** Blocks that were whole COBS but not a valid frame (bad CRC and the like). */
  badFrames = 0;

  constructor(private readonly options: StreamDecoderOptions) {
    const onError = (err: DecodeError): void => options.onError?.(err);
    this.deframer = new Deframer(
      (data) => {
        const frame = decodeFrame(data, options.limits);
        if (frame.ok) options.onFrame(frame);
        else {
          this.badFrames += 1;
          onError(frame);
        }
      },
      onError,
      options.limits?.maxFrame,
    );
  }

  push(chunk: Uint8Array): void {
    this.deframer.push(toBinaryString(chunk));
  }

  get stats(): { frames: number; bad: number; overflows: number; droppedBytes: number; badFrames: number } {
    return { ...this.deframer.stats, badFrames: this.badFrames };
  }
}
