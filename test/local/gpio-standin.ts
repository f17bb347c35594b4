// A stand-in for the GPIO character device: records every value set on every line, and decodes
// the edges as a receiving APA102 chain would (data sampled on the clock's rising edge).
import type { GpioLineRequest, GpioLines } from '../../bridge/local/apa102/gpio.ts';

export class RecordingLines implements GpioLines {
  requests: { chip: string; offsets: number[]; consumer: string }[] = [];
  edges: { offset: number; value: 0 | 1 }[] = [];
  released = 0;

  request(chip: string, offsets: number[], consumer: string): GpioLineRequest {
    this.requests.push({ chip, offsets, consumer });
    return {
      set: (offset, value) => {
        if (!offsets.includes(offset)) throw new Error(`line ${offset} was not requested`);
        this.edges.push({ offset, value });
      },
      release: () => {
        this.released++;
      },
    };
  }

  /** The bits clocked in since the last call, as bytes (MSB first). */
  takeBytes(data: number, clock: number): number[] {
    let clk = 0;
    let dat = 0;
    const bits: number[] = [];
    for (const e of this.edges) {
      if (e.offset === data) dat = e.value;
      else if (e.offset === clock) {
        if (clk === 0 && e.value === 1) bits.push(dat);
        clk = e.value;
      }
    }
    this.edges = [];
    if (bits.length % 8 !== 0) throw new Error(`${bits.length} bits clocked: not whole bytes`);
    const bytes: number[] = [];
    for (let i = 0; i < bits.length; i += 8) bytes.push(bits.slice(i, i + 8).reduce((v, b) => v * 2 + b, 0));
    return bytes;
  }
}

/** Parses an APA102 byte stream into RGB pixels, checking every framing rule on the way. */
export function decodeApa102(bytes: number[], ledCount: number): { pixels: number[]; brightness: number[] } {
  const fail = (why: string) => {
    throw new Error(`not an APA102 frame: ${why}`);
  };
  if (bytes.length < 4 || bytes.slice(0, 4).some((b) => b !== 0)) fail('no 32-bit zero start frame');
  const pixels: number[] = [];
  const brightness: number[] = [];
  let i = 4;
  for (let led = 0; led < ledCount; led++, i += 4) {
    if (i + 4 > bytes.length) fail(`frame ends at LED ${led}`);
    if ((bytes[i] & 0xe0) !== 0xe0) fail(`LED ${led} word starts 0x${bytes[i].toString(16)}, not 0b111`);
    brightness.push(bytes[i] & 0x1f);
    // Blue, green, red on the wire.
    pixels.push(bytes[i + 3], bytes[i + 2], bytes[i + 1]);
  }
  const end = bytes.slice(i);
  // The end frame must clock at least ledCount/2 more edges, and must not look like another LED.
  if (end.length * 8 < Math.ceil(ledCount / 2) || end.length < 4) fail(`end frame of ${end.length} bytes is too short`);
  if (end.some((b) => b !== 0)) fail('end frame is not zeros');
  return { pixels, brightness };
}

/**
 * An APA102 chain of `ledCount` LEDs: it keeps showing the last complete frame clocked in, as
 * the LEDs latch their colour. feed() takes whatever was clocked since the last call (zero, one
 * or several frames) and checks each.
 */
export class Apa102Chain {
  pixels: number[];
  frames = 0;

  constructor(readonly ledCount: number) {
    this.pixels = new Array(ledCount * 3).fill(0);
  }

  feed(bytes: number[]): void {
    const size = 4 + this.ledCount * 4 + Math.max(4, Math.ceil(this.ledCount / 16));
    if (bytes.length % size !== 0) throw new Error(`${bytes.length} bytes clocked: not whole frames of ${size}`);
    for (let i = 0; i < bytes.length; i += size) {
      const frame = decodeApa102(bytes.slice(i, i + size), this.ledCount);
      if (frame.brightness.some((b) => b !== 31)) throw new Error('global brightness is not 31');
      this.pixels = frame.pixels;
      this.frames++;
    }
  }
}
