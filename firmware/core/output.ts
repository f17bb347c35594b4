// The last step before the LEDs: link overlays, brightness, and the current cap (boards run from
// USB: the sum of all channels is estimated in mA and the whole frame scaled down to the cap).
// Integer math, so every runtime sends the same bytes.
// Portable subset.

import { AMBER, blink, BLUE, dim, wave } from './anim.ts';
import { low, mid, top } from './pack.ts';

/** The LED strip as each runtime drives it; it stores and orders the bytes its own way. */
export interface Strip {
  set: (this: void, i: number, r: number, g: number, b: number) => void;
  show: (this: void) => void;
}

/** No snapshot yet: LED 0 breathes blue, the rest stay dark. */
export function drawWaiting(buf: number[], now: number): void {
  for (let k = 0; k < buf.length; k++) buf[k] = 0;
  if (buf.length > 0) buf[0] = dim(BLUE, wave(now, 2000, 8, 128));
}

/** Stale link (no frame within the heartbeat timeout): everything at a quarter, LED 0 blinks amber. */
export function drawStale(buf: number[], now: number): void {
  for (let k = 0; k < buf.length; k++) buf[k] = dim(buf[k], 64);
  if (buf.length > 0 && blink(now, 1000, 250)) buf[0] = AMBER;
}

/**
 * Writes buf to the strip at `brightness`, scaled down so the estimated draw stays within
 * `capMa` (0: no cap). Returns the estimated draw in mA after scaling.
 */
export function output(buf: number[], strip: Strip, brightness: number, capMa: number, maPerChannel: number): number {
  // dim() keeps each channel's floor(v * brightness / 255) exactly (channels stay below 256).
  let sum = 0;
  for (let k = 0; k < buf.length; k++) {
    const c = dim(buf[k], brightness);
    sum = sum + top(c) + mid(c) + low(c);
  }
  let ma = Math.floor((sum * maPerChannel) / 255);
  // factor/256 of every channel when over the cap.
  let factor = 256;
  if (capMa > 0 && ma > capMa) {
    factor = Math.floor((capMa * 256) / ma);
    ma = Math.floor((ma * factor) / 256);
  }
  for (let k = 0; k < buf.length; k++) {
    const c = dim(buf[k], brightness);
    strip.set(k, Math.floor((top(c) * factor) / 256), Math.floor((mid(c) * factor) / 256), Math.floor((low(c) * factor) / 256));
  }
  strip.show();
  return ma;
}
