// USB serial transport: one port, one board (protocol/SPEC.md section 6, byte streams). Frames go
// out COBS-framed through a bounded queue; the board is known by the HELLO it sends up the same
// stream; an unplugged port is reopened with backoff until its path comes back.
import { SerialPort } from 'serialport';
import { DEFAULT_MAX_FRAME, MSG, RESYNC_REASON, StreamDecoder } from '../../../protocol/index.ts';
import type { DecodedFrame } from '../../../protocol/index.ts';
import type { Transport, TransportEvents, TransportHealth, TransportState } from '../types.ts';
import { Backoff } from '../common/backoff.ts';
import type { BackoffOptions } from '../common/backoff.ts';
import { RateLog } from '../common/rate-log.ts';
import type { LogFn } from '../common/rate-log.ts';
import { readUpstream, validBoardId } from '../common/upstream.ts';
import { WriteQueue } from './write-queue.ts';

export interface SerialTransportOptions {
  /** `/dev/ttyACM0`, `/dev/serial/by-id/...` (stable across replugs), `COM3`. */
  path: string;
  /** Default 115200. */
  baudRate?: number;
  /** Default `serial:<path>`. */
  name?: string;
  /** Bytes that may wait for the port before deltas are dropped (default 16384). */
  maxPendingBytes?: number;
  /** The port stream's own buffer (default 4096); write() says "full" past it. */
  highWaterMark?: number;
  /** send() resolves at the latest after this long even if the port is stalled (default 2000). */
  sendTimeoutMs?: number;
  /** Largest upstream frame accepted (default 1024). */
  maxFrame?: number;
  /** Reopen timing after an unplug or a failed open. */
  backoff?: BackoffOptions;
  log?: LogFn;
}

const COUNTERS = [
  'opens', 'openFailures', 'closes', 'bytesIn', 'hellos', 'resyncs', 'resyncBeforeHello', 'badUpstream',
  'ignoredMessages', 'syntheticResyncs', 'sendTimeouts', 'boardsGone', 'eventErrors',
] as const;
type Counter = (typeof COUNTERS)[number];

export class SerialTransport implements Transport {
  readonly name: string;
  private readonly backoff: Backoff;
  private readonly rateLog: RateLog;
  private readonly log: LogFn;
  private readonly queue: WriteQueue;
  private port: SerialPort | undefined;
  private decoder: StreamDecoder | undefined;
  /** Stream errors of decoders of earlier connections (the current one adds its own). */
  private readonly pastStream = { badBlocks: 0, badFrames: 0, overflows: 0, droppedBytes: 0 };
  private events: TransportEvents | undefined;
  private state: TransportState = 'stopped';
  private stopping = false;
  private boardId: string | undefined;
  private lastBoardId: string | undefined;
  private lastError = '';
  private readonly counters = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Record<Counter, number>;

  constructor(private readonly options: SerialTransportOptions) {
    this.name = options.name ?? `serial:${options.path}`;
    this.backoff = new Backoff(options.backoff ?? { initialMs: 500, maxMs: 5000 });
    this.log = options.log ?? (() => {});
    this.rateLog = new RateLog(this.log);
    this.queue = new WriteQueue({
      maxPendingBytes: options.maxPendingBytes,
      onOverflow: (lastSeq) => this.overflowed(lastSeq),
    });
  }

  /** Resolves after the first attempt to open, successful or not: retries go on in the background. */
  async start(events: TransportEvents): Promise<void> {
    if (this.state !== 'stopped') return;
    this.events = events;
    this.stopping = false;
    this.state = 'starting';
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.backoff.cancel();
    const port = this.port;
    this.detach();
    if (port?.isOpen) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        port.close(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    port?.removeAllListeners();
    port?.on('error', () => {});
    this.boardId = undefined;
    this.state = 'stopped';
  }

  async send(boardId: string, frames: Uint8Array[]): Promise<void> {
    if (boardId !== this.boardId) throw new Error(`${this.name}: board ${boardId} is not connected here`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        // The frames stay queued (bounded); the link just stops waiting for a stalled port.
        this.counters.sendTimeouts += 1;
        resolve();
      }, this.options.sendTimeoutMs ?? 2000);
    });
    await Promise.race([this.queue.enqueue(frames), timeout]);
    clearTimeout(timer);
  }

  /** Serial has no retention: the board asks for a snapshot (HELLO/RESYNC) when it needs one. */
  async retainSnapshot(): Promise<void> {}

  health(): TransportHealth {
    const where = `${this.options.path} @${this.options.baudRate ?? 115200}`;
    let detail: string;
    if (this.state === 'up') detail = `${where}: board ${this.boardId}`;
    else if (this.state === 'degraded') detail = `${where}: open, no HELLO yet`;
    else if (this.state === 'stopped') detail = `${where}: stopped`;
    else {
      const retry = this.backoff.pending ? `, retry in ${Math.max(0, Math.round((this.backoff.dueAt - Date.now()) / 1000))}s` : '';
      const was = this.lastBoardId ? ` (was board ${this.lastBoardId})` : '';
      detail = `${where}: not open${this.lastError ? `: ${this.lastError}` : ''}${was}${retry}`;
    }
    const d = this.decoder?.stats;
    const stream = {
      badBlocks: this.pastStream.badBlocks + (d?.bad ?? 0),
      badFrames: this.pastStream.badFrames + (d?.badFrames ?? 0),
      streamOverflows: this.pastStream.overflows + (d?.overflows ?? 0),
      droppedBytesIn: this.pastStream.droppedBytes + (d?.droppedBytes ?? 0),
    };
    return {
      name: this.name,
      state: this.state,
      detail,
      counters: { ...this.counters, ...stream, ...this.queue.stats, pendingBytes: this.queue.pendingBytes },
    };
  }

  private async open(): Promise<void> {
    const port = new SerialPort({
      path: this.options.path,
      baudRate: this.options.baudRate ?? 115200,
      autoOpen: false,
      highWaterMark: this.options.highWaterMark ?? 4096,
    });
    this.port = port;
    port.on('error', (err) => {
      this.lastError = err.message;
      this.rateLog.say('error', `${this.name}: ${err.message}`);
    });
    const err = await new Promise<Error | null>((resolve) => port.open((e) => resolve(e ?? null)));
    if (this.stopping || this.port !== port) {
      if (!err) port.close(() => {});
      return;
    }
    if (err) {
      this.counters.openFailures += 1;
      this.lastError = err.message;
      this.state = 'down';
      this.rateLog.say('open', `${this.name}: cannot open: ${err.message}`);
      this.port = undefined;
      this.backoff.schedule(() => void this.open());
      return;
    }
    this.opened(port);
  }

  private opened(port: SerialPort): void {
    this.counters.opens += 1;
    this.backoff.reset();
    this.lastError = '';
    this.state = 'degraded'; // open, but which board is on it we learn from its HELLO
    this.log(`${this.name}: open`);
    const decoder = new StreamDecoder({
      onFrame: (frame) => this.onFrame(frame),
      onError: (e) => this.rateLog.say('stream', `${this.name}: dropped input: ${e.code} ${e.reason}`),
      limits: { maxFrame: this.options.maxFrame ?? DEFAULT_MAX_FRAME },
    });
    this.decoder = decoder;
    port.on('data', (chunk: Buffer) => {
      this.counters.bytesIn += chunk.length;
      decoder.push(chunk);
    });
    port.on('drain', () => this.queue.drained());
    port.on('close', (e?: Error) => this.closed(port, e));
    // A delimiter first, so the board discards whatever half block it holds (SPEC section 6).
    port.write(Buffer.from([0]));
    this.queue.attach((chunk) => port.write(chunk));
  }

  private closed(port: SerialPort, err?: Error): void {
    if (port !== this.port) return;
    this.counters.closes += 1;
    if (err) this.lastError = err.message;
    this.log(`${this.name}: closed${err ? `: ${err.message}` : ''}`);
    const board = this.boardId;
    this.detach();
    port.removeAllListeners();
    port.on('error', () => {});
    if (this.stopping) return;
    this.state = 'down';
    if (board !== undefined) {
      this.counters.boardsGone += 1;
      this.emit(() => this.events?.gone(board, this));
    }
    this.backoff.schedule(() => void this.open());
  }

  /** Forgets the open port: queued frames are dropped, decoder stats are kept. */
  private detach(): void {
    this.queue.detach();
    const d = this.decoder?.stats;
    if (d) {
      this.pastStream.badBlocks += d.bad;
      this.pastStream.badFrames += d.badFrames;
      this.pastStream.overflows += d.overflows;
      this.pastStream.droppedBytes += d.droppedBytes;
    }
    this.decoder = undefined;
    this.port = undefined;
    if (this.boardId !== undefined) this.lastBoardId = this.boardId;
    this.boardId = undefined;
  }

  private onFrame(frame: DecodedFrame): void {
    const up = readUpstream(frame);
    if ('problem' in up) {
      this.counters.badUpstream += 1;
      this.rateLog.say('upstream', `${this.name}: ${up.problem}`);
      return;
    }
    this.counters.ignoredMessages += up.ignored;
    for (const hello of up.hellos) {
      if (!validBoardId(hello.boardId)) {
        this.counters.badUpstream += 1;
        this.rateLog.say('id', `${this.name}: HELLO with unusable board id ${JSON.stringify(hello.boardId)}`);
        continue;
      }
      const before = this.boardId;
      if (before !== undefined && before !== hello.boardId) {
        // Another board on the same port (swapped without the port closing): the old one is gone.
        this.counters.boardsGone += 1;
        this.emit(() => this.events?.gone(before, this));
      }
      this.boardId = hello.boardId;
      this.lastBoardId = hello.boardId;
      this.state = 'up';
      this.counters.hellos += 1;
      this.emit(() => this.events?.hello(hello.boardId, hello, this));
    }
    for (const resync of up.resyncs) {
      const board = this.boardId;
      if (board === undefined) {
        // RESYNC carries no board id: until a HELLO, nobody knows whose snapshot to send.
        this.counters.resyncBeforeHello += 1;
        this.rateLog.say('resync', `${this.name}: RESYNC before any HELLO; waiting for the board to say HELLO`);
        continue;
      }
      this.counters.resyncs += 1;
      this.emit(() => this.events?.resync(board, resync, this));
    }
  }

  /** The queue dropped deltas: ask the link for a snapshot as if the board had seen the gap. */
  private overflowed(lastSeq: number): void {
    const board = this.boardId;
    if (board === undefined) return;
    this.counters.syntheticResyncs += 1;
    this.rateLog.say('overflow', `${this.name}: port too slow for the frames to ${board}; dropped deltas, asking for a snapshot`);
    this.emit(() => this.events?.resync(board, { type: MSG.RESYNC, lastSeq, reason: RESYNC_REASON.GAP }, this));
  }

  private emit(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.counters.eventErrors += 1;
      this.rateLog.say('event', `${this.name}: event handler failed: ${(err as Error).message}`);
    }
  }
}
