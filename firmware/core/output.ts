// The LED strip as the core sees it: each runtime's HAL implements it (neopixel / SPI on
// Espruino, ws2812 on NodeMCU, a byte array in the virtual board). render.ts writes only the LEDs
// that changed in a frame, then calls show(). Portable subset.

/** The LED strip as each runtime drives it; it stores and orders the bytes its own way. */
export interface Strip {
  set: (this: void, i: number, r: number, g: number, b: number) => void;
  show: (this: void) => void;
}
