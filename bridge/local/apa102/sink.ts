// What the GPIO and SPI sinks share: turn pixels into an APA102 frame, push it out, count it,
// and keep a write failure (a line or a bus that went away) as a counter and a message.
import { apa102Frame } from './frame.ts';
import { counters } from '../sink.ts';
import type { PixelSink, SinkHealth } from '../sink.ts';

const COUNTER_NAMES = ['frames', 'unchanged', 'bytes', 'writeErrors'] as const;

export abstract class Apa102Sink implements PixelSink {
  abstract readonly name: string;
  protected error = '';
  private readonly counters = counters(COUNTER_NAMES);

  /** Acquires the lines or the bus; throws for bad settings or a missing package. */
  protected abstract acquire(): Promise<void>;
  protected abstract get ready(): boolean;
  /** Clocks the bytes out; throws on an I/O error. */
  protected abstract push(bytes: Uint8Array): void;
  /** Lets go of the lines or the bus; never throws. */
  protected abstract release(): void;
  /** Where the strip hangs, for health(). */
  protected abstract where(): string;

  async open(): Promise<undefined> {
    if (!this.ready) await this.acquire();
    this.error = '';
    return undefined;
  }

  /** The last frame clocked out: LEDs latch their colour, so an identical frame is skipped. */
  private last: Uint8Array | undefined;

  /** LEDs of the last frame (close() turns that many off). */
  private leds = 0;

  write(pixels: Uint8Array): void {
    if (!this.ready) return;
    this.leds = Math.floor(pixels.length / 3);
    const bytes = apa102Frame(pixels);
    if (this.last && Buffer.from(this.last.buffer, this.last.byteOffset, this.last.byteLength).equals(bytes)) {
      this.counters.unchanged++;
      return;
    }
    try {
      this.push(bytes);
      this.last = bytes;
      this.counters.frames++;
      this.counters.bytes += bytes.length;
    } catch (err) {
      this.last = undefined;
      this.counters.writeErrors++;
      this.error = (err as Error).message;
    }
  }

  /**
   * Turns the LEDs off, then lets go. APA102s latch their colour: without this a stopped bridge
   * would leave the last state lit, which looks like a live cluster.
   */
  async close(): Promise<void> {
    if (this.ready && this.last) this.write(new Uint8Array(this.leds * 3));
    this.release();
    this.last = undefined;
  }

  health(): SinkHealth {
    return { name: this.name, state: this.ready ? 'up' : 'down', detail: `${this.where()}${this.error ? `: ${this.error}` : ''}`, counters: { ...this.counters } };
  }
}
