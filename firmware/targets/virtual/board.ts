// The virtual board: firmware/core in Node, for the demo, the web page and the tests. Frames go
// in through receive(), HELLO/RESYNC come out through onSend; the transport (MQTT, a pipe, a
// test) stays outside. Pixels are RGB bytes after brightness and the current cap, exactly what a
// real strip would get.
import { Core } from '../../core/core.ts';
import type { CoreStats } from '../../core/core.ts';
import type { Strip } from '../../core/output.ts';
import type { Settings } from '../../core/settings.ts';
import { LAYOUT } from '../../../protocol/codec/types.ts';
import { ansiStrip, asciiStrip } from './ascii.ts';

export interface VirtualBoardOptions {
  boardId: string;
  profile?: string;
  ledCount?: number;
  /** Overrides of the core settings (brightness, layout, currentCap, fps...). */
  settings?: Partial<Settings>;
  /** Milliseconds; defaults to a real monotonic clock. Tests pass a fake one. */
  clock?: () => number;
  /** Frames for the bridge (HELLO, RESYNC). */
  onSend?: (frame: Uint8Array) => void;
  /** Called after every render with the new pixels. */
  onPixels?: (pixels: Uint8Array) => void;
}

function binary(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

export class VirtualBoard {
  readonly settings: Settings;
  /** RGB, 3 bytes per LED. */
  readonly pixels: Uint8Array;
  readonly core: Core;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: VirtualBoardOptions) {
    const ledCount = options.ledCount ?? 60;
    this.settings = {
      boardId: options.boardId,
      profile: options.profile ?? 'virtual-60',
      ledCount,
      maxFrame: 1024,
      brightness: 96,
      layout: LAYOUT.COMPACT,
      currentCap: 1500,
      maPerChannel: 20,
      fps: 30,
      stream: false,
      ...options.settings,
    };
    this.pixels = new Uint8Array(ledCount * 3);
    const start = performance.now();
    this.clock = options.clock ?? (() => Math.floor(performance.now() - start));
    const px = this.pixels;
    const strip: Strip = {
      set: (i, r, g, b) => {
        px[i * 3] = r;
        px[i * 3 + 1] = g;
        px[i * 3 + 2] = b;
      },
      show: () => options.onPixels?.(px),
    };
    const send = (frame: string) => options.onSend?.(Uint8Array.from(frame, (c) => c.charCodeAt(0)));
    this.core = new Core(this.settings, strip, send, this.clock());
  }

  /** Announces the board (call on connect, and when the bridge comes online). */
  hello(): void {
    this.core.hello(this.clock());
  }

  /** One frame from the bridge. */
  /**
   * A frame of the retained MQTT snapshot: it is for a board that has nothing yet (just booted,
   * or lost its state), so a synced board ignores it instead of redrawing everything.
   */
  receiveRetained(frame: Uint8Array): void {
    if (!this.core.synced) this.receive(frame);
  }

  receive(frame: Uint8Array): void {
    this.core.receive(binary(frame), this.clock());
  }

  /** Runs the render timer; returns true when it drew. */
  tick(): boolean {
    return this.core.tick(this.clock());
  }

  /** Draws now, whatever changed (tests sample with this). */
  render(): void {
    this.core.render(this.clock());
  }

  /** Starts the real-time loop (a tick every 10 ms; the core caps the frame rate). */
  start(): void {
    if (this.timer === undefined) this.timer = setInterval(() => this.tick(), 10);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  get stats(): CoreStats {
    return this.core.stats;
  }

  ascii(): string {
    return asciiStrip(this.pixels);
  }

  ansi(): string {
    return ansiStrip(this.pixels);
  }
}
