// What the GPIO and SPI sinks share: turn pixels into an APA102 frame, push it out, count it,
// and keep a write failure (a line or a bus that went away) as a counter and a message.
import { apa102Frame } from './frame.ts';
import { counters } from '../sink.ts';
import type { PixelSink, SinkHealth } from '../sink.ts';

const COUNTER_NAMES = ['frames', 'bytes', 'writeErrors'] as const;

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

  write(pixels: Uint8Array): void {
    if (!this.ready) return;
    const bytes = apa102Frame(pixels);
    try {
      this.push(bytes);
      this.counters.frames++;
      this.counters.bytes += bytes.length;
    } catch (err) {
      this.counters.writeErrors++;
      this.error = (err as Error).message;
    }
  }

  async close(): Promise<void> {
    this.release();
  }

  health(): SinkHealth {
    return { name: this.name, state: this.ready ? 'up' : 'down', detail: `${this.where()}${this.error ? `: ${this.error}` : ''}`, counters: { ...this.counters } };
  }
}
