// Animations: the colour of one pod (or marker) at time `now`, from its state and age.
// Integer math only (Math.floor of quotients of small integers, triangle waves instead of sine),
// so Espruino, Lua 5.1 (doubles), Lua 5.3 (integers) and Node compute the same byte for every
// pixel. Colours are packed r*65536 + g*256 + b (below 2^24, so fengari's 32-bit integers hold them).
// Portable subset.

import { POD_STATE } from '../../protocol/codec/types.ts';
import { GONE, GONE_MS } from './model.ts';
import { low, mid, top } from './pack.ts';

export const RED = 0xff0000;
export const WHITE = 0xffffff;
/** An unreachable cluster's lane. */
export const DARK_RED = 0x280000;
/** The blink of a stale link. */
export const AMBER = 0xff7800;
/** The board waiting for its first snapshot. */
export const BLUE = 0x0000ff;
/** The "more pods than LEDs" indicator at the end of an aggregating lane. */
export const MAGENTA = 0xff00ff;
/** A pod whose state is unknown. */
export const GREY = 0x202020;

/** How long a new pod flashes in (white fading into its colour). */
export const FLASH_MS = 400;
/** How long a terminating pod takes to fade to its floor. */
export const FADE_MS = 2000;

export function rgb(r: number, g: number, b: number): number {
  return r * 65536 + g * 256 + b;
}

/** Colour `c` at `level`/255 (top/mid/low and rgb written out: the hottest call of a frame, and a call costs on Espruino). */
export function dim(c: number, level: number): number {
  return (
    Math.floor((Math.floor(c / 65536) * level) / 255) * 65536 +
    Math.floor(((Math.floor(c / 256) % 256) * level) / 255) * 256 +
    Math.floor(((c % 256) * level) / 255)
  );
}

/** `a` blended into `b`: w/den of `b`. */
export function mix(a: number, b: number, w: number, den: number): number {
  const v = den - w;
  return rgb(
    Math.floor((top(a) * v + top(b) * w) / den),
    Math.floor((mid(a) * v + mid(b) * w) / den),
    Math.floor((low(a) * v + low(b) * w) / den),
  );
}

/** Triangle wave between lo and hi with the given period (ms, even), following the clock. */
export function wave(now: number, period: number, lo: number, hi: number): number {
  const half = period / 2;
  const phase = now % period;
  const x = phase < half ? phase : period - phase;
  return lo + Math.floor(((hi - lo) * x) / half);
}

/** True during the first `on` ms of every `period`. */
export function blink(now: number, period: number, on: number): boolean {
  return now % period < on;
}

/** Does this state's colour change with time (so the strip must keep rendering)? */
export function animated(state: number): boolean {
  return state !== POD_STATE.RUNNING && state !== POD_STATE.SUCCEEDED && state !== POD_STATE.UNKNOWN;
}

/** True for the states that win an aggregated LED (a failure is never hidden by a majority). */
export function failing(state: number): boolean {
  return state === POD_STATE.FAILED || state === POD_STATE.CRASH_LOOP;
}

/** Colour of a pod of colour `c` in `state` since `since`, born at `born`, at `now`. */
export function podColor(c: number, state: number, since: number, born: number, now: number): number {
  let out = c;
  if (state === GONE) {
    // Flashes red twice, then the pod leaves (the model purges it after GONE_MS).
    const age = now - since;
    return age < GONE_MS && age % 400 < 200 ? RED : 0;
  } else if (state === POD_STATE.PENDING || state === POD_STATE.CREATING) {
    out = dim(c, wave(now, 2400, 8, state === POD_STATE.PENDING ? 48 : 96));
  } else if (state === POD_STATE.NOT_READY) {
    out = dim(c, wave(now, 1000, 48, 255));
  } else if (state === POD_STATE.TERMINATING) {
    const age = now - since;
    out = dim(c, age >= FADE_MS ? 24 : 255 - Math.floor((231 * age) / FADE_MS));
  } else if (state === POD_STATE.SUCCEEDED) {
    out = dim(c, 32);
  } else if (state === POD_STATE.FAILED) {
    out = blink(now, 1000, 500) ? RED : 0;
  } else if (state === POD_STATE.CRASH_LOOP) {
    // Red, then a glimpse of its own colour: it keeps trying to come back.
    out = blink(now, 600, 300) ? RED : dim(c, 64);
  } else if (state !== POD_STATE.RUNNING) {
    out = GREY;
  }
  const age = now - born;
  if (age >= 0 && age < FLASH_MS) out = mix(WHITE, out, age, FLASH_MS);
  return out;
}
