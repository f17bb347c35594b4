// The link layer: one BoardSession per board, fed by the transports' HELLO/RESYNC/gone events
// and by the view's states, flushed on a steady tick. A board's HELLO travels up only as far as
// here; the controller learns of boards through `onBoard` and asks the view for their states.
import type { Hello, Resync } from '../../protocol/index.ts';
import type { Transport, TransportEvents } from '../transports/types.ts';
import type { DisplayState } from './display-state.ts';
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
  log?: (line: string) => void;
}

export class Link {
  private readonly sessions = new Map<string, BoardSession>();
  private readonly meta = new Map<string, { profile: string; firmware: string }>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: LinkOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
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
      this.meta.set(known.boardId, { profile: known.profile ?? '', firmware: '' });
    }
    for (const t of this.options.transports) await t.start(events);
    const every = this.options.flushMs ?? 50;
    this.timer = setInterval(() => void this.flushAll(), every);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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
    this.sessions.get(boardId)?.setDesired(state);
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
      await Promise.all([...this.sessions.values()].map((s) => s.flush(now)));
    } finally {
      this.flushing = false;
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
    let session = this.sessions.get(boardId);
    if (!session) {
      session = new BoardSession({ boardId, transport: via, ledCount: hello.ledCount, maxFrame: hello.maxFrame, retainEveryMs: this.options.retainEveryMs });
      this.sessions.set(boardId, session);
    }
    session.transport = via;
    session.ledCount = hello.ledCount;
    session.maxFrame = hello.maxFrame;
    session.online = true;
    session.lastSeen = this.now();
    session.requestSnapshot();
    this.meta.set(boardId, { profile: hello.profile, firmware: hello.firmware });
    this.log(`link: ${boardId} says hello via ${via.name} (${hello.profile}, ${hello.ledCount} LEDs, firmware ${hello.firmware})`);
    this.options.onBoard?.(this.info(session));
  }

  private onResync(boardId: string, resync: Resync, via: Transport): void {
    const session = this.sessions.get(boardId);
    if (!session) {
      this.log(`link: RESYNC from unknown board ${boardId} via ${via.name}; waiting for its HELLO`);
      return;
    }
    session.transport = via;
    session.online = true;
    session.lastSeen = this.now();
    session.requestSnapshot();
  }

  private onGone(boardId: string, via: Transport): void {
    const session = this.sessions.get(boardId);
    if (!session || session.transport !== via) return;
    session.online = false;
    this.log(`link: ${boardId} is gone from ${via.name}`);
    this.options.onBoard?.(this.info(session));
  }
}
