// The bounded send queue of one serial port. A USB serial link is slow (115200 baud is ~11 KB/s)
// and a board that stops reading stalls it completely, so frames wait here, never in an unbounded
// buffer: written while the port takes them, held while it drains, and when more than
// `maxPendingBytes` wait, the oldest *delta* frames are dropped (counted) and the board is marked
// for a snapshot. A new snapshot supersedes everything still waiting, since it resets the board.
import { streamFrame } from '../../../protocol/index.ts';
import { isSnapshotFrame, startsSnapshot } from '../common/upstream.ts';

export interface WriteQueueOptions {
  /** Bytes (stream-framed) that may wait before deltas are dropped (default 16384). */
  maxPendingBytes?: number;
  /**
   * Deltas were dropped: the board must get a snapshot (`lastSeq` is the seq of the last frame
   * written). Called again at most every `resignalMs` while deltas keep arriving instead.
   */
  onOverflow: (lastSeq: number) => void;
  resignalMs?: number;
  now?: () => number;
}

/** Hands a chunk to the port; false means "full, wait for drain" (Node's Writable contract). */
export type Writer = (chunk: Uint8Array) => boolean;

interface Entry {
  bytes: Uint8Array;
  seq: number;
  snapshot: boolean;
  done: () => void;
}

export interface WriteQueueStats {
  framesWritten: number;
  bytesWritten: number;
  /** Delta frames dropped because the queue was full or the board awaits a snapshot. */
  deltasDropped: number;
  bytesDropped: number;
  /** Frames dropped because a newer snapshot made them useless. */
  superseded: number;
  /** Frames dropped because the port closed before they were written. */
  droppedOnClose: number;
  overflows: number;
  /** Times the port said "full" (write returned false). */
  stalls: number;
  [key: string]: number;
}

export class WriteQueue {
  private entries: Entry[] = [];
  private writer: Writer | undefined;
  private blocked = false;
  private awaitingSnapshot = false;
  private lastSignal = -Infinity;
  private lastWrittenSeq = 0;
  private readonly max: number;
  private readonly now: () => number;
  pendingBytes = 0;
  /** The most bytes that ever waited here (tests check the bound with it). */
  peakPendingBytes = 0;
  readonly stats: WriteQueueStats = {
    framesWritten: 0, bytesWritten: 0, deltasDropped: 0, bytesDropped: 0, superseded: 0, droppedOnClose: 0, overflows: 0, stalls: 0,
  };

  constructor(private readonly options: WriteQueueOptions) {
    this.max = options.maxPendingBytes ?? 16384;
    this.now = options.now ?? Date.now;
  }

  /** The port is open: start writing. */
  attach(writer: Writer): void {
    this.writer = writer;
    this.blocked = false;
    this.awaitingSnapshot = false;
    this.pump();
  }

  /** The port closed: everything waiting is dropped (the board gets a snapshot when it returns). */
  detach(): void {
    this.writer = undefined;
    this.blocked = false;
    for (const e of this.entries) {
      this.stats.droppedOnClose += 1;
      e.done();
    }
    this.entries = [];
    this.pendingBytes = 0;
  }

  /** The port drained its buffer: go on writing. */
  drained(): void {
    this.blocked = false;
    this.pump();
  }

  /** Queues frames; resolves when each was written to the port or dropped. */
  enqueue(frames: Uint8Array[]): Promise<void> {
    if (frames.length === 0) return Promise.resolve();
    let left = frames.length;
    const all = new Promise<void>((resolve) => {
      const done = (): void => {
        left -= 1;
        if (left === 0) resolve();
      };
      if (startsSnapshot(frames[0])) {
        // Whatever still waits is older than this snapshot: the board throws it away anyway.
        for (const e of this.entries) {
          this.stats.superseded += 1;
          e.done();
        }
        this.entries = [];
        this.pendingBytes = 0;
        this.awaitingSnapshot = false;
      } else if (this.awaitingSnapshot) {
        // The board has a gap already; more deltas only waste the link until the snapshot.
        for (const f of frames) this.dropDelta(f.length + Math.floor(f.length / 254) + 2, done);
        this.signal(false);
        return;
      }
      for (const f of frames) {
        const bytes = streamFrame(f);
        this.entries.push({ bytes, seq: f.length > 5 ? f[4] * 256 + f[5] : 0, snapshot: isSnapshotFrame(f), done });
        this.pendingBytes += bytes.length;
      }
      // Write what the port takes first: only what must really wait counts against the bound.
      this.pump();
      this.trim();
      this.peakPendingBytes = Math.max(this.peakPendingBytes, this.pendingBytes);
    });
    return all;
  }

  private trim(): void {
    let dropped = false;
    while (this.pendingBytes > this.max) {
      const i = this.entries.findIndex((e) => !e.snapshot);
      if (i < 0) break; // only the one pending snapshot is left: it is sent whole
      const [e] = this.entries.splice(i, 1);
      this.pendingBytes -= e.bytes.length;
      this.dropDelta(e.bytes.length, e.done);
      dropped = true;
    }
    if (dropped) {
      this.stats.overflows += 1;
      this.awaitingSnapshot = true;
      this.signal(true);
    }
  }

  private dropDelta(bytes: number, done: () => void): void {
    this.stats.deltasDropped += 1;
    this.stats.bytesDropped += bytes;
    done();
  }

  private signal(force: boolean): void {
    const resignal = this.options.resignalMs ?? 2000;
    if (!force && this.now() - this.lastSignal < resignal) return;
    this.lastSignal = this.now();
    this.options.onOverflow(this.lastWrittenSeq);
  }

  private pump(): void {
    while (this.writer && !this.blocked && this.entries.length > 0) {
      const e = this.entries.shift() as Entry;
      this.pendingBytes -= e.bytes.length;
      this.stats.framesWritten += 1;
      this.stats.bytesWritten += e.bytes.length;
      this.lastWrittenSeq = e.seq;
      const more = this.writer(e.bytes);
      e.done();
      if (!more) {
        this.blocked = true;
        this.stats.stalls += 1;
      }
    }
  }
}
