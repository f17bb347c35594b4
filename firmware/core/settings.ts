// What a board tells the core about itself: baked in by firmware/build.ts from the board profile
// (boards/*.json), or passed by the virtual target. The bridge may override brightness, layout,
// current cap and frame rate at run time with a CONFIG message; 0 there means "these defaults".
// Portable subset.

export const FIRMWARE_VERSION = 'podlights-fw/0.1.0';

export interface Settings {
  boardId: string;
  /** Board profile name (boards/<profile>.json). */
  profile: string;
  ledCount: number;
  /** Largest frame this board accepts (bytes); announced in HELLO. */
  maxFrame: number;
  /** 0-255. */
  brightness: number;
  /** One of LAYOUT. */
  layout: number;
  /** Budget for the whole strip in mA (USB power); 0 means no cap. */
  currentCap: number;
  /** Estimated draw of one colour channel at full level, in mA (about 20 for WS2812/APA102). */
  maPerChannel: number;
  /** Frame-rate cap. */
  fps: number;
  /** A byte-stream transport (serial) resyncs on the first bad frame: nothing else will fix it. */
  stream: boolean;
}
