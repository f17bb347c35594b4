// Runs firmware/core/clock.ts (the NodeMCU HALs' clock) the way a board that has been up for
// weeks does, and prints what it read and drew, as text comparable across runtimes
// (clock.test.ts). Portable subset.
import { Clock } from '../../firmware/core/clock.ts';
import { Core } from '../../firmware/core/core.ts';
import type { Strip } from '../../firmware/core/output.ts';

const WRAP = 2147483648;
const DIGITS = '0123456789abcdef';

/** Decimal digits of a whole number, the same on every runtime (no "2.2e+09", no "5.0"). */
function digits(n: number): string {
  let s = '';
  let v = n;
  while (v >= 10) {
    s = DIGITS.charAt(v % 10) + s;
    v = Math.floor(v / 10);
  }
  return DIGITS.charAt(v) + s;
}

function unhex(hex: string): string {
  let s = '';
  for (let i = 0; i + 1 < hex.length; i = i + 2) s = s + String.fromCharCode(DIGITS.indexOf(hex.charAt(i)) * 16 + DIGITS.indexOf(hex.charAt(i + 1)));
  return s;
}

/** A 31-bit microsecond counter (tmr.now()) `step` µs later, wrapping without overflowing 32-bit integers. */
function advance(raw: number, step: number): number {
  return raw >= WRAP - step ? raw - (WRAP - step) : raw + step;
}

/**
 * 20 ms ticks across a counter wrap; then 26 days in steps of about 18 minutes (a wrap every
 * other step); then a board whose clock is past 2^31 ms takes a snapshot and a delta and
 * renders for a second. Returns the readings and the pixels.
 */
export function longRun(snapshotHex: string, deltaHex: string): string {
  let raw = WRAP - 500000;
  const clock = new Clock(WRAP, 1000, raw);
  let out = 'ticks';
  for (let i = 1; i <= 40; i++) {
    raw = advance(raw, i % 3 === 0 ? 19999 : 20001);
    const t = clock.read(raw);
    if (i % 10 === 0) out = out + ' ' + digits(t);
  }
  for (let i = 0; i < 2100; i++) {
    raw = advance(raw, 1073741831);
    clock.read(raw);
  }
  const t0 = clock.read(raw);
  out = out + '\nt0 ' + digits(t0) + (t0 > WRAP ? ' past 2^31 ms' : ' below 2^31 ms');
  const px: number[] = [];
  for (let i = 0; i < 30; i++) px.push(0);
  const strip: Strip = {
    set: (i: number, r: number, g: number, b: number) => {
      px[i * 3] = r;
      px[i * 3 + 1] = g;
      px[i * 3 + 2] = b;
    },
    show: () => {},
  };
  const settings = { boardId: 'clock', profile: 'virtual-60', ledCount: 10, maxFrame: 1024, brightness: 255, layout: 0, currentCap: 0, maPerChannel: 20, fps: 30, stream: false };
  const core = new Core(settings, strip, (_f: string) => {}, t0);
  core.receive(unhex(snapshotHex), t0);
  let renders = 0;
  for (let i = 1; i <= 50; i++) {
    raw = advance(raw, 20000);
    const t = clock.read(raw);
    if (i === 5) core.receive(unhex(deltaHex), t);
    if (core.tick(t)) renders = renders + 1;
    if (i % 10 === 0) {
      let line = '';
      for (let k = 0; k < px.length; k++) line = line + DIGITS.charAt(Math.floor(px[k] / 16)) + DIGITS.charAt(px[k] % 16);
      out = out + '\nt0+' + digits(t - t0) + ' ' + line;
    }
  }
  return out + '\nrenders ' + digits(renders);
}
