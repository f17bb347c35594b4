// APA102 bit-banged on two GPIO lines through the Linux GPIO character device: the Blinkt's
// wiring (GPIO23 data, GPIO24 clock) or any two pins. The lines sit behind a small interface
// (GpioLines) with libgpiod v2 semantics (a chip found by its label, lines requested by offset
// with a consumer name, values set through the request), so tests drive a stand-in that records
// the edges and the real thing is node-libgpiod.
import { Apa102Sink } from './sink.ts';

/** Output lines requested from one chip. */
export interface GpioLineRequest {
  set(offset: number, value: 0 | 1): void;
  release(): void;
}

export interface GpioLines {
  /** Requests `offsets` as outputs, low, on `chip` (a path such as /dev/gpiochip0, or 'auto'). */
  request(chip: string, offsets: number[], consumer: string): GpioLineRequest;
}

export interface Apa102GpioOptions {
  name?: string;
  /** '/dev/gpiochip0', 'gpiochip4', or 'auto' (the Pi's header pins, found by chip label). */
  chip?: string;
  data: number;
  clock: number;
  /** The line backend; default node-libgpiod (loaded on open, optional dependency). */
  lines?: GpioLines;
}

export class Apa102GpioSink extends Apa102Sink {
  readonly name: string;
  private request: GpioLineRequest | undefined;

  constructor(private readonly options: Apa102GpioOptions) {
    super();
    this.name = options.name ?? `apa102-gpio:${options.data}/${options.clock}`;
    if (options.data === options.clock) throw new Error(`${this.name}: data and clock must be different pins`);
  }

  protected get ready(): boolean {
    return this.request !== undefined;
  }

  protected async acquire(): Promise<void> {
    const lines = this.options.lines ?? (await import('./libgpiod.ts')).libgpiodLines();
    this.request = lines.request(this.options.chip ?? 'auto', [this.options.data, this.options.clock], 'podlights');
  }

  protected push(bytes: Uint8Array): void {
    const req = this.request!;
    const { data, clock } = this.options;
    // MSB first; APA102 samples data on the clock's rising edge. Every set is a system call,
    // so the data line is only set when the bit differs from the one before.
    let level = -1;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      for (let bit = 7; bit >= 0; bit--) {
        const v = (b >> bit) & 1;
        if (v !== level) req.set(data, v as 0 | 1);
        level = v;
        req.set(clock, 1);
        req.set(clock, 0);
      }
    }
  }

  protected release(): void {
    const req = this.request;
    this.request = undefined;
    try {
      req?.release();
    } catch {
      // Releasing a line of a chip that is gone: nothing left to free.
    }
  }

  protected where(): string {
    return `GPIO data ${this.options.data} clock ${this.options.clock} on ${this.options.chip ?? 'auto'}`;
  }
}
