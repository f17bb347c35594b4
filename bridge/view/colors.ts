// Colors: a pod's label wins (`podlights.io/color`, or the seed's `blinktColor`); otherwise a
// stable color per workload from a palette chosen to stay apart on LEDs (saturated hues, no
// near-whites, nothing red: red means failure on the strip).

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const PALETTE: Rgb[] = [
  { r: 0, g: 160, b: 255 }, // azure
  { r: 255, g: 200, b: 0 }, // amber
  { r: 0, g: 220, b: 90 }, // green
  { r: 200, g: 0, b: 255 }, // violet
  { r: 0, g: 230, b: 210 }, // teal
  { r: 255, g: 110, b: 0 }, // orange
  { r: 40, g: 60, b: 255 }, // blue
  { r: 255, g: 0, b: 150 }, // magenta
  { r: 150, g: 255, b: 0 }, // lime
];

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

export function labelColor(labels: Record<string, string>): Rgb | undefined {
  return parseColor(labels['podlights.io/color']) ?? parseColor(labels['blinktColor']);
}
