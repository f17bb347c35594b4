// The link layer: one BoardSession per board, fed by the transports' HELLO/RESYNC/gone events
// and by the view's states, flushed on a steady tick. A board's HELLO travels up only as far as
// here; the controller learns of boards through `onBoard` and asks the view for their states.
import type { Hello, Resync } from '../../protocol/index.ts';
import type { Transport, TransportEvents } from '../transports/types.ts';
import type { DisplayState } from './display-state.ts';
import { RateLog, clip } from '../transports/common/rate-log.ts';
import { helloProblem } from './hello-check.ts';
import { BoardSession } from './session.ts';
import type { SessionStats } from './session.ts';

export interface KnownBoard {
  boardId: string;
  ledCount: number;
  maxFrame?: number;
  profile?: string;
  /** Name of the transport that reaches it before it says HELLO (its retained snapshot goes there). */
  transport?: string;
}

export interface BoardInfo {
  boardId: string;
  profile: string;
  ledCount: number;
  maxFrame: number;
  online: boolean;
  transport: string;
  firmware: string;
  /** Messages the next flush would send: the coalesced queue depth. */
  pending: number;
  stats: SessionStats;
}

export interface LinkOptions {
  transports: Transport[];
  /** Boards from the configuration, known before they say HELLO. */
  boards?: KnownBoard[];
  /** How often sessions flush (coalescing window), ms. */
  flushMs?: number;
  /** How often at most a board's retained snapshot is republished while it changes, ms. */
  retainEveryMs?: number;
  now?: () => number;
  /** A board appeared, changed (HELLO) or went offline: the controller recomputes its view. */
  onBoard?: (board: BoardInfo) => void;
  /** A board not in the configuration was offline long enough to be forgotten: drop its view. */
  onForget?: (boardId: string) => void;
  /** Boards known at most (configured ones included); HELLOs of further boards are refused. Default 1024. */
  maxBoards?: number;
  /** A board not in the configuration is forgotten after this long offline, ms (default 10 min). */
  forgetAfterMs?: number;
  /** A HELLO repeating the last one this soon after the snapshot that answered it is not answered again, ms. */
  duplicateHelloMs?: number;
  log?: (line: string) => void;
}

/** Problems the link met and survived: each is counted, and logged at most every few seconds. */
export interface LinkCounters {
  hellosRejected: number;
  duplicateHellos: number;
  boardsRefused: number;
  boardsForgotten: number;
  unknownResyncs: number;
  sessionErrors: number;
}

export class Link {
  private readonly sessions = new Map<string, BoardSession>();
  private readonly meta = new Map<string, { profile: string; firmware: string; configured: boolean; offlineSince?: number; hello?: Hello }>();
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private soonQueued = false;
  private flushing = false;
  private lastFlushStart = 0;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly rateLog: RateLog;
  readonly counters: LinkCounters = { hellosRejected: 0, duplicateHellos: 0, boardsRefused: 0, boardsForgotten: 0, unknownResyncs: 0, sessionErrors: 0 };
  /** When flushAll last ran to the end: the liveness check reads it. */
  lastFlushAt = 0;

  constructor(private readonly options: LinkOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.rateLog = new RateLog(this.log);
  }

  async start(): Promise<void> {
    const events: TransportEvents = {
      hello: (boardId, hello, via) => this.onHello(boardId, hello, via),
      resync: (boardId, resync, via) => this.onResync(boardId, resync, via),
      gone: (boardId, via) => this.onGone(boardId, via),
    };
    for (const known of this.options.boards ?? []) {
      const transport = this.options.transports.find((t) => t.name === known.transport) ?? this.options.transports[0];
      if (!transport) continue;
      this.sessions.set(known.boardId, new BoardSession({ boardId: known.boardId, transport, ledCount: known.ledCount, maxFrame: known.maxFrame, retainEveryMs: this.options.retainEveryMs }));
      this.meta.set(known.boardId, { profile: known.profile ?? '', firmware: '', configured: true });
    }
    for (const t of this.options.transports) await t.start(events);
    const every = this.options.flushMs ?? 50;
    // flushAll contains each session's failure; the catch is the last line of defence, so that
    // nothing a board sends can become an unhandled rejection that ends the process.
    this.lastFlushStart = this.now();
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    clearTimeout(this.soonTimer);
    this.soonTimer = undefined;
    for (const t of this.options.transports) {
      try {
        await t.stop();
      } catch (err) {
        this.log(`link: stopping ${t.name}: ${(err as Error).message}`);
      }
    }
  }

  /** The view's state for one board; boards the link does not know (no HELLO, not configured) are ignored. */
  setState(boardId: string, state: DisplayState): void {
    const s = this.sessions.get(boardId);
    if (!s) return;
    s.setDesired(state);
    this.soon();
  }

  /** Pods of the board's last state that changed state in place (see BoardSession.patchDesired). */
  patchState(boardId: string, state: DisplayState, handles: Iterable<number>): void {
    const s = this.sessions.get(boardId);
    if (!s) return;
    s.patchDesired(state, handles);
    this.soon();
  }

  /**
   * A change after a quiet spell goes out at once; under a storm flushes stay a window apart, so
   * everything within a window coalesces into one delta.
   */
  private soon(): void {
    if (this.soonTimer !== undefined || this.soonQueued || this.timer === undefined) return;
    const wait = this.lastFlushStart + (this.options.flushMs ?? 50) - this.now();
    if (wait <= 0) {
      // Right after the caller's synchronous work (the controller patching every board's view),
      // so one flush carries every board's change.
      this.soonQueued = true;
      queueMicrotask(() => {
        this.soonQueued = false;
        this.tick();
      });
      return;
    }
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      this.tick();
    }, wait);
    this.soonTimer.unref?.();
  }

  private tick(): void {
    this.flushAll().catch((err: unknown) => {
      this.counters.sessionErrors++;
      this.rateLog.say('flush', `link: flush failed: ${(err as Error).message}`);
    });
  }

  /** The pods a board has, as far as the link knows (what it last sent), by handle. */
  shownPods(boardId: string): DisplayState['pods'] | undefined {
    return this.sessions.get(boardId)?.shown()?.pods;
  }

  /** Who each handle on a board stands for (the view's pod keys), as last sent. */
  shownPodKeys(boardId: string): DisplayState['podKeys'] {
    return this.sessions.get(boardId)?.shown()?.podKeys;
  }

  boards(): BoardInfo[] {
    return [...this.sessions.values()].map((s) => this.info(s));
  }

  board(boardId: string): BoardInfo | undefined {
    const s = this.sessions.get(boardId);
    return s && this.info(s);
  }

  /** Sends what every session has due. Public so tests can drive time by hand. */
  async flushAll(): Promise<void> {
    if (this.flushing) return; // a slow transport must not pile up flushes
    this.flushing = true;
    try {
      const now = this.now();
      // Only a flush that sends a change opens a window; idle ticks (heartbeats) do not.
      for (const s of this.sessions.values()) if (s.hasChanges) this.lastFlushStart = now;
      await Promise.all([...this.sessions.values()].map((s) => this.flushOne(s, now)));
      this.forgetVanished(now);
      this.lastFlushAt = this.now();
    } finally {
      this.flushing = false;
    }
  }

  /** One session's flush; its failure is its own (counted, logged, the board resynced). */
  private async flushOne(s: BoardSession, now: number): Promise<void> {
    try {
      await s.flush(now);
    } catch (err) {
      this.counters.sessionErrors++;
      s.requestSnapshot();
      this.rateLog.say(`flush:${s.boardId}`, `link: sending to ${s.boardId} failed: ${(err as Error).message}`);
    }
  }

  /** Boards not in the configuration that stayed offline past forgetAfterMs are dropped. */
  private forgetVanished(now: number): void {
    const after = this.options.forgetAfterMs ?? 600_000;
    for (const [boardId, meta] of this.meta) {
      if (meta.configured || meta.offlineSince === undefined || now - meta.offlineSince < after) continue;
      this.sessions.delete(boardId);
      this.meta.delete(boardId);
      this.counters.boardsForgotten++;
      this.rateLog.say('forget', `link: forgot board ${boardId} (offline for ${Math.round((now - meta.offlineSince) / 1000)} s)`);
      this.options.onForget?.(boardId);
    }
  }

  private info(s: BoardSession): BoardInfo {
    const meta = this.meta.get(s.boardId) ?? { profile: '', firmware: '' };
    return {
      boardId: s.boardId,
      profile: meta.profile,
      firmware: meta.firmware,
      ledCount: s.ledCount,
      maxFrame: s.maxFrame,
      online: s.online,
      transport: s.transport.name,
      pending: s.pending(),
      stats: { ...s.stats },
    };
  }

  private onHello(boardId: string, hello: Hello, via: Transport): void {
    const problem = helloProblem(hello);
    if (problem) {
      this.counters.hellosRejected++;
      this.rateLog.say(`hello:${boardId}`, `link: ignored HELLO from ${clip(boardId)} via ${via.name}: ${problem}`);
      return;
    }
    let session = this.sessions.get(boardId);
    if (!session) {
      if (this.sessions.size >= (this.options.maxBoards ?? 1024)) {
        this.counters.boardsRefused++;
        this.rateLog.say('full', `link: refused board ${clip(boardId)}: already ${this.sessions.size} boards (maxBoards)`);
        return;
      }
      session = new BoardSession({ boardId, transport: via, ledCount: hello.ledCount, maxFrame: hello.maxFrame, retainEveryMs: this.options.retainEveryMs });
      this.sessions.set(boardId, session);
    }
    const now = this.now();
    const meta = this.meta.get(boardId);
    const last = meta?.hello;
    const same =
      last !== undefined &&
      session.online &&
      session.transport === via &&
      last.ledCount === hello.ledCount &&
      last.maxFrame === hello.maxFrame &&
      last.caps === hello.caps &&
      last.protoMin === hello.protoMin &&
      last.protoMax === hello.protoMax &&
      last.profile === hello.profile &&
      last.firmware === hello.firmware;
    session.lastSeen = now;
    // A board says HELLO on connect and again when it sees the bridge online, often both at once;
    // the snapshot for the first is on its way (or is due), so the second needs nothing. A board
    // that really missed it says HELLO again after 2 s (SPEC section 5) and is answered then.
    if (same && now - session.snapshotAt < (this.options.duplicateHelloMs ?? 1000)) {
      this.counters.duplicateHellos++;
      return;
    }
    session.transport = via;
    session.ledCount = hello.ledCount;
    session.maxFrame = hello.maxFrame;
    session.caps = hello.caps;
    session.online = true;
    session.requestSnapshot();
    // A snapshot is due; mark it as answering this HELLO so that an echo right now is a duplicate.
    session.snapshotAt = now;
    this.meta.set(boardId, { profile: hello.profile, firmware: hello.firmware, configured: meta?.configured ?? false, hello });
    if (!same) {
      this.rateLog.say(
        `hello:${boardId}`,
        `link: ${boardId} says hello via ${via.name} (${clip(hello.profile)}, ${hello.ledCount} LEDs, firmware ${clip(hello.firmware)})`,
      );
      this.options.onBoard?.(this.info(session));
    }
  }

  private onResync(boardId: string, resync: Resync, via: Transport): void {
    const session = this.sessions.get(boardId);
    if (!session) {
      this.counters.unknownResyncs++;
      this.rateLog.say('resync', `link: RESYNC from unknown board ${clip(boardId)} via ${via.name}; waiting for its HELLO`);
      return;
    }
    const meta = this.meta.get(boardId);
    if (meta) meta.offlineSince = undefined;
    session.transport = via;
    session.online = true;
    session.lastSeen = this.now();
    session.requestSnapshot();
  }

  private onGone(boardId: string, via: Transport): void {
    const session = this.sessions.get(boardId);
    if (!session || session.transport !== via || !session.online) return;
    session.online = false;
    const meta = this.meta.get(boardId);
    if (meta) meta.offlineSince = this.now();
    this.rateLog.say(`gone:${boardId}`, `link: ${boardId} is gone from ${via.name}`);
    this.options.onBoard?.(this.info(session));
  }
}
