// A local board: the real firmware core (the virtual target) running inside the bridge, talking
// to the link like any board (HELLO, snapshot, deltas, heartbeats through LocalTransport), its
// pixels handed to one or more sinks at the core's frame rate. No second rendering path: what
// the sink gets is byte for byte what a board with the same settings would put on its strip.
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import type { Settings } from '../../firmware/core/settings.ts';
import type { PixelSink } from './sink.ts';

export interface LocalBoardOptions {
  boardId: string;
  profile: string;
  ledCount: number;
  sinks: PixelSink[];
  /** Core settings (brightness, currentCap, fps, layout) as a board profile would bake them. */
  settings?: Partial<Settings>;
  /** Tests pass a fake clock and drive tick() themselves. */
  clock?: () => number;
  /** Upstream frames (HELLO, RESYNC) for the transport. */
  onSend: (frame: Uint8Array) => void;
}

export class LocalBoard {
  readonly board: VirtualBoard;
  readonly sinks: PixelSink[];
  /** Frames handed to the sinks (one per render). */
  frames = 0;

  constructor(readonly options: LocalBoardOptions) {
    this.sinks = options.sinks;
    this.board = new VirtualBoard({
      boardId: options.boardId,
      profile: options.profile,
      ledCount: options.ledCount,
      settings: options.settings,
      clock: options.clock,
      onSend: options.onSend,
      onPixels: (px) => this.show(px),
    });
  }

  get id(): string {
    return this.options.boardId;
  }

  get pixels(): Uint8Array {
    return this.board.pixels;
  }

  /** Starts rendering and says HELLO; the link answers with a snapshot. */
  start(): void {
    this.board.start();
    this.board.hello();
  }

  stop(): void {
    this.board.stop();
  }

  receive(frame: Uint8Array): void {
    this.board.receive(frame);
  }

  private show(px: Uint8Array): void {
    this.frames++;
    for (const sink of this.sinks) sink.write(px);
  }
}
