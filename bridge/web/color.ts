// How a pixel looks on a screen. A strip's RGB values are PWM duty cycles: an LED at 30% duty
// still looks bright to the eye, a screen pixel at 30% looks dark. A gamma lift makes the page
// read like the strip in the room; the raw values stay in data-rgb for tests and tools.

export function lift(v: number): number {
  return v <= 0 ? 0 : Math.round(255 * Math.pow(v / 255, 0.42));
}

export function cssColor(r: number, g: number, b: number): string {
  return `rgb(${lift(r)} ${lift(g)} ${lift(b)})`;
}

export function decodePixels(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
