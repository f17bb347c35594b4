// A WLED controller driven over UDP with DDP. WLED shows realtime data while it keeps arriving
// and returns to its own effect after its realtime timeout (2.5 s by default, "Realtime
// timeout" in its Sync settings) once it stops. So the sink repeats the last frame every
// keepaliveMs (default 1 s, well inside that timeout) while podlights runs, and simply stops
// sending when podlights stops: the strip goes back to what it showed before.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { counters } from '../sink.ts';
import type { PixelSink, SinkHealth } from '../sink.ts';
import { DDP_PORT, ddpPackets, nextSeq } from './ddp.ts';
import { wledInfo } from './info.ts';

export interface WledSinkOptions {
  host: string;
  /** DDP port (default 4048). */
  port?: number;
  /** Where /json/info is (default http://<host>). */
  httpUrl?: string;
  /** Repeat the last frame this often while nothing changes, ms (default 1000). */
  keepaliveMs?: number;
  /** Data bytes per packet (default 1440, 480 LEDs). */
  maxData?: number;
}

const COUNTER_NAMES = ['frames', 'keepalives', 'packets', 'bytes', 'sendErrors', 'infoErrors'] as const;

/** 'wled.local', '10.0.0.7:4048', '[fe80::1]:4048' to host and port. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(text);
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw new Error(`'${text}' is not HOST or HOST:PORT`);
  return { host: m[1] ?? m[2], port };
}

export class WledSink implements PixelSink {
  readonly name: string;
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last: Uint8Array | undefined;
  private lastSentAt = 0;
  private seq = 0;
  /** Why /json/info failed (cleared when it answers). */
  private infoError = '';
  /** The last send error (cleared by the next successful send). */
  private sendError = '';
  private ledCount: number | undefined;
  readonly counters = counters(COUNTER_NAMES);

  constructor(private readonly options: WledSinkOptions) {
    this.name = `wled:${options.host}`;
  }

  private get port(): number {
    return this.options.port ?? DDP_PORT;
  }

  async open(): Promise<number | undefined> {
    if (!this.socket) {
      const socket = createSocket(this.options.host.includes(':') ? 'udp6' : 'udp4');
      socket.on('error', (err) => {
        this.counters.sendErrors++;
        this.sendError = err.message;
      });
      socket.unref();
      this.socket = socket;
      const every = this.options.keepaliveMs ?? 1000;
      this.timer = setInterval(() => this.keepalive(every), Math.max(10, Math.floor(every / 2)));
      this.timer.unref?.();
    }
    try {
      const info = await wledInfo(this.options.httpUrl ?? `http://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}`);
      this.ledCount = info.ledCount;
      this.infoError = '';
    } catch (err) {
      this.counters.infoErrors++;
      this.infoError = (err as Error).message;
    }
    return this.ledCount;
  }

  write(pixels: Uint8Array): void {
    this.last = Uint8Array.from(pixels);
    this.counters.frames++;
    this.send(this.last);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  health(): SinkHealth {
    // Sending works without /json/info when the config sets ledCount; then its failure is only noted.
    const problem = this.sendError || this.infoError;
    const down = this.sendError !== '' || (this.infoError !== '' && this.last === undefined);
    return {
      name: this.name,
      state: this.socket ? (down ? 'down' : 'up') : 'stopped',
      detail: `DDP to ${this.options.host}:${this.port}${this.ledCount ? `, ${this.ledCount} LEDs` : ''}${problem ? `: ${problem}` : ''}`,
      counters: { ...this.counters },
    };
  }

  private keepalive(every: number): void {
    if (this.last && performance.now() - this.lastSentAt >= every) {
      this.counters.keepalives++;
      this.send(this.last);
    }
  }

  private send(pixels: Uint8Array): void {
    const socket = this.socket;
    if (!socket) return;
    this.lastSentAt = performance.now();
    this.seq = nextSeq(this.seq);
    for (const p of ddpPackets(pixels, this.seq, this.options.maxData)) {
      this.counters.packets++;
      this.counters.bytes += p.length;
      socket.send(p, this.port, this.options.host, (err) => {
        if (!err) {
          this.sendError = '';
          return;
        }
        this.counters.sendErrors++;
        this.sendError = err.message;
      });
    }
  }
}
