// APA102 (and SK9822) frames: a start frame of 32 zero bits, one 32-bit word per LED
// (0b111 + 5-bit global brightness, then blue, green, red), and an end frame that supplies the
// extra clock edges the chain needs to shift data to its last LED (one per two LEDs, at least
// 32, as Pimoroni's Blinkt library sends). The global brightness stays at 31: the firmware core
// has already applied brightness and the current cap to the RGB values, as on every board.

export const GLOBAL_FULL = 31;

/** End frame length in bytes for n LEDs: n/2 clock edges, rounded up to whole bytes, at least 4. */
export function endFrameBytes(n: number): number {
  return Math.max(4, Math.ceil(n / 16));
}

/** The bytes to clock out for RGB pixels (3 bytes per LED). */
export function apa102Frame(pixels: Uint8Array, global = GLOBAL_FULL): Uint8Array {
  const n = Math.floor(pixels.length / 3);
  const out = new Uint8Array(4 + n * 4 + endFrameBytes(n));
  const head = 0xe0 | (global & 0x1f);
  for (let i = 0; i < n; i++) {
    const o = 4 + i * 4;
    out[o] = head;
    out[o + 1] = pixels[i * 3 + 2];
    out[o + 2] = pixels[i * 3 + 1];
    out[o + 3] = pixels[i * 3];
  }
  return out;
}
