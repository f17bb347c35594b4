// Three bytes in one number (below 2^24, so fengari's 32-bit integers hold it): a colour
// r * 65536 + g * 256 + b, a pod's lane * 65536 + group * 256 + state. Portable subset.

/** Bits 16-23: red, a pod's lane. */
export function top(v: number): number {
  return Math.floor(v / 65536);
}
/** Bits 8-15: green, a pod's group. */
export function mid(v: number): number {
  return Math.floor(v / 256) % 256;
}
/** Bits 0-7: blue, a pod's state. */
export function low(v: number): number {
  return v % 256;
}
