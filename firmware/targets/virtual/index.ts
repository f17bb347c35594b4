// The virtual target's public face, for the bridge, the demo and the web page.
export { VirtualBoard } from './board.ts';
export type { VirtualBoardOptions } from './board.ts';
export { asciiStrip, ansiStrip } from './ascii.ts';
