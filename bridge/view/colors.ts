// Colors: a pod's label wins (`podlights.io/color`, or the seed's `blinktColor`); otherwise a
// stable color per workload from a palette chosen to stay apart on LEDs. The firmware's state
// colors (crash red, the overflow magenta, the stale amber...) are meanings of their own: the
// palette keeps a perceptual distance (OKLab) from each of them and between its own colors, and
// a label color too close to one is reported (confusableState), because on a strip nobody can
// tell a workload painted ff0000 from a crashing pod.
import { AMBER, BLUE, DARK_RED, MAGENTA, RED, WHITE } from '../../firmware/core/anim.ts';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const rgb = (n: number): Rgb => ({ r: (n >> 16) & 0xff, g: (n >> 8) & 0xff, b: n & 0xff });

/** What the firmware draws for states and markers, with what each means (the legend's words). */
export const STATE_COLORS: { name: string; meaning: string; color: Rgb }[] = [
  { name: 'red', meaning: 'a crash-looping or failed pod', color: rgb(RED) },
  { name: 'white', meaning: 'the rollout progress blink', color: rgb(WHITE) },
  { name: 'dark red', meaning: 'an unreachable cluster or node', color: rgb(DARK_RED) },
  { name: 'amber', meaning: 'a stale link to the bridge', color: rgb(AMBER) },
  { name: 'blue', meaning: 'a board waiting for the bridge', color: rgb(BLUE) },
  { name: 'magenta', meaning: 'more pods than LEDs', color: rgb(MAGENTA) },
];

/** Least OKLab distance between a workload color and a state color, and between palette colors. */
export const STATE_DISTANCE = 0.2;
export const PALETTE_DISTANCE = 0.15;

/** From a greedy search over bright colors for the largest LED distances (checked in test/demo/palette.test.ts). */
export const PALETTE: Rgb[] = [
  { r: 0, g: 180, b: 255 }, // sky
  { r: 0, g: 255, b: 0 }, // green
  { r: 150, g: 0, b: 255 }, // purple
  { r: 255, g: 150, b: 225 }, // pink
  { r: 15, g: 255, b: 210 }, // aqua
  { r: 150, g: 120, b: 240 }, // lavender
  { r: 255, g: 255, b: 0 }, // yellow
];

/** sRGB to OKLab (Björn Ottosson's matrices): distances there follow what eyes see. */
export function oklab(c: Rgb): [number, number, number] {
  const lin = (v: number) => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  const r = lin(c.r);
  const g = lin(c.g);
  const b = lin(c.b);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s, 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s, 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s];
}

/** `c` at full brightness: an LED's color is judged by its hue, whatever the brightness. */
function fullBright(c: Rgb): Rgb {
  const m = Math.max(c.r, c.g, c.b) || 1;
  return { r: Math.round((c.r * 255) / m), g: Math.round((c.g * 255) / m), b: Math.round((c.b * 255) / m) };
}

/**
 * How far apart two colors look on an LED: OKLab distance of the two at full brightness.
 * Brightness is no cue on a strip (the overflow marker pulses, strips are dimmed, pods fade), so
 * a81399 is magenta there: 0.04 from ff00ff, though 0.22 apart on a screen.
 */
export function colorDistance(a: Rgb, b: Rgb): number {
  const x = oklab(fullBright(a));
  const y = oklab(fullBright(b));
  return Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
}

/** The state color `c` would be taken for on a strip, if any. */
export function confusableState(c: Rgb): { name: string; meaning: string } | undefined {
  const near = STATE_COLORS.map((s) => ({ s, d: colorDistance(c, s.color) })).sort((a, b) => a.d - b.d)[0];
  return near && near.d < STATE_DISTANCE ? { name: near.s.name, meaning: near.s.meaning } : undefined;
}

export function hexColor(c: Rgb): string {
  return [c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

export function parseColor(text: string | undefined): Rgb | undefined {
  if (text === undefined) return undefined;
  const hex = text.trim().replace(/^#/, '');
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) return undefined;
  const n = Number.parseInt(hex, 16);
  return { r: (n >> 16) & 0xff, g: (n >> 8) & 0xff, b: n & 0xff };
}

/** FNV-1a: a stable small hash, so a workload keeps its color across bridge restarts. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function paletteColor(key: string): Rgb {
  return PALETTE[hash(key) % PALETTE.length];
}

/**
 * The new revision's tint during a rollout: the workload's color lifted halfway to white, so it
 * reads as "the same app, new version" beside the saturated old pods.
 */
export function newRevisionTint(c: Rgb): Rgb {
  const lift = (v: number) => Math.round(v + (255 - v) * 0.55);
  return { r: lift(c.r), g: lift(c.g), b: lift(c.b) };
}

/**
 * A workload that waits without traffic (GROUP_FLAG.IDLE): its color at a quarter, so the lit
 * side of a blue-green pair is the one the Service sends traffic to. A quarter stays above a
 * terminating pod's floor and a succeeded pod's glow (24 and 32 of 255 in the firmware), and on a
 * strip a quarter of the current still reads as the color.
 */
export function idleTint(c: Rgb): Rgb {
  return { r: c.r >> 2, g: c.g >> 2, b: c.b >> 2 };
}

export function labelColor(labels: Record<string, string>): Rgb | undefined {
  return parseColor(labels['podlights.io/color']) ?? parseColor(labels['blinktColor']);
}
