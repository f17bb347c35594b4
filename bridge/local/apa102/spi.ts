// APA102 strips wired to the Pi's SPI pins (MOSI = data, SCLK = clock), through spidev: the
// kernel clocks the bytes out, far faster than bit-banging. The bus sits behind a small
// interface so tests record the bytes; the real thing is the spi-device package.
import { Apa102Sink } from './sink.ts';

export interface SpiBus {
  transfer(bytes: Uint8Array): void;
  close(): void;
}

export type SpiOpener = (device: string, speedHz: number) => SpiBus;

export interface Apa102SpiOptions {
  /** /dev/spidev0.0 */
  device: string;
  /** Clock, Hz (default 4 MHz: safe on long strips, 60 LEDs take 0.5 ms). */
  speedHz?: number;
  open?: SpiOpener;
}

export class Apa102SpiSink extends Apa102Sink {
  readonly name: string;
  private bus: SpiBus | undefined;

  constructor(private readonly options: Apa102SpiOptions) {
    super();
    this.name = `apa102-spi:${options.device}`;
  }

  protected get ready(): boolean {
    return this.bus !== undefined;
  }

  protected async acquire(): Promise<void> {
    const opener = this.options.open ?? (await import('./spidev.ts')).spidevOpener();
    this.bus = opener(this.options.device, this.options.speedHz ?? 4_000_000);
  }

  protected push(bytes: Uint8Array): void {
    this.bus!.transfer(bytes);
  }

  protected release(): void {
    const bus = this.bus;
    this.bus = undefined;
    try {
      bus?.close();
    } catch {
      // Already gone.
    }
  }

  protected where(): string {
    return `${this.options.device} @${this.options.speedHz ?? 4_000_000} Hz`;
  }
}
