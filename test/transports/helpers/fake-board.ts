// The board's end of a serial line in tests: reads the COBS stream the transport writes, and
// writes upstream frames and garbage.
import { SerialPort } from 'serialport';
import { StreamDecoder, streamFrame } from '../../../protocol/index.ts';
import type { DecodedFrame } from '../../../protocol/index.ts';

export class FakeSerialBoard {
  readonly frames: DecodedFrame[] = [];
  readonly raw: number[] = [];
  private port: SerialPort | undefined;
  private readonly decoder = new StreamDecoder({ onFrame: (f) => void this.frames.push(f) });

  constructor(private readonly path: string) {}

  async open(): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: 115200, autoOpen: false });
    port.on('error', () => {});
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on('data', (chunk: Buffer) => {
      for (const b of chunk) this.raw.push(b);
      this.decoder.push(chunk);
    });
    this.port = port;
  }

  get stats() {
    return this.decoder.stats;
  }

  write(bytes: Uint8Array | number[]): Promise<void> {
    const port = this.port;
    if (!port) throw new Error('not open');
    return new Promise((resolve, reject) => {
      port.write(Buffer.from(bytes as Uint8Array), (e) => (e ? reject(e) : port.drain(() => resolve())));
    });
  }

  /** A frame as the firmware sends it up: COBS, then the 0x00 delimiter. */
  sendFrame(frame: Uint8Array): Promise<void> {
    return this.write(streamFrame(frame));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners();
    port?.on('error', () => {});
  }
}
