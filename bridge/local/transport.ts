// LocalTransport: the link's way to boards that run inside the bridge. It is a transport like
// MQTT or serial (the link neither knows nor cares): send() feeds frames to the local board's
// firmware core, and the core's HELLO and RESYNC come back up as transport events. Boards can
// come and go at run time (a BlinkStick plugged in), each announcing itself with HELLO.
import { decode } from '../../protocol/index.ts';
import type { Transport, TransportEvents, TransportHealth, TransportState } from '../transports/types.ts';
import { readUpstream } from '../transports/common/upstream.ts';
import { LocalBoard } from './board.ts';
import type { Settings } from '../../firmware/core/settings.ts';
import type { PixelSink } from './sink.ts';

export interface LocalBoardSpec {
  boardId: string;
  profile: string;
  /** LEDs; unset: what the sinks report (WLED info, the BlinkStick's model). */
  ledCount?: number;
  settings?: Partial<Settings>;
  sinks: PixelSink[];
}

export interface LocalTransportOptions {
  boards: LocalBoardSpec[];
  /** How often a board whose LED count is still unknown (WLED unreachable) asks its sinks again, ms. */
  retryMs?: number;
  clock?: () => number;
  log?: (line: string) => void;
}

const COUNTERS = ['hellos', 'resyncs', 'badUpstream', 'framesIn', 'boardsAdded', 'boardsGone', 'openFailures'] as const;

export class LocalTransport implements Transport {
  readonly name = 'local';
  private readonly boards = new Map<string, LocalBoard>();
  private readonly waiting = new Map<string, LocalBoardSpec>();
  private readonly adding = new Set<string>();
  private events: TransportEvents | undefined;
  private retry: NodeJS.Timeout | undefined;
  private state: TransportState = 'stopped';
  private readonly log: (line: string) => void;
  readonly counters = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Record<(typeof COUNTERS)[number], number>;

  constructor(private readonly options: LocalTransportOptions) {
    this.log = options.log ?? (() => {});
  }

  async start(events: TransportEvents): Promise<void> {
    if (this.state !== 'stopped') return;
    this.events = events;
    this.state = 'up';
    for (const spec of this.options.boards) await this.add(spec);
    this.retry = setInterval(() => void this.retryWaiting(), this.options.retryMs ?? 5000);
    this.retry.unref?.();
  }

  async stop(): Promise<void> {
    // First, so an add() still waiting for a device sees it and starts nothing.
    this.state = 'stopped';
    clearInterval(this.retry);
    this.retry = undefined;
    for (const id of [...this.boards.keys()]) await this.remove(id, false);
    for (const spec of this.waiting.values()) for (const s of spec.sinks) await s.close().catch(() => {});
    this.waiting.clear();
  }

  /** Adds a board at run time (a device plugged in); it says HELLO once its LED count is known. */
  async add(spec: LocalBoardSpec): Promise<void> {
    // One attempt at a time per board: a retry tick must not start a second board while the
    // first attempt still waits for WLED's answer.
    if (this.boards.has(spec.boardId) || this.adding.has(spec.boardId) || this.state === 'stopped') return;
    this.adding.add(spec.boardId);
    try {
      await this.attach(spec);
    } finally {
      this.adding.delete(spec.boardId);
    }
  }

  private async attach(spec: LocalBoardSpec): Promise<void> {
    let count = spec.ledCount;
    for (const sink of spec.sinks) {
      try {
        const n = await sink.open();
        if (count === undefined && n !== undefined) count = n;
      } catch (err) {
        // Bad settings (no such GPIO chip, unreadable device): say it, keep the board waiting.
        this.counters.openFailures++;
        this.log(`local: ${spec.boardId}: ${sink.name} cannot open: ${(err as Error).message}`);
      }
    }
    if (this.state === 'stopped') {
      // Stopped while the device was answering: nothing may start after stop().
      for (const s of spec.sinks) await s.close().catch(() => {});
      return;
    }
    if (count === undefined || count < 1) {
      if (!this.waiting.has(spec.boardId)) this.log(`local: ${spec.boardId}: cannot start yet, LED count unknown (set ledCount, or the device must answer: ${spec.sinks.map((s) => s.health().detail).join('; ')}); retrying`);
      this.waiting.set(spec.boardId, spec);
      return;
    }
    this.waiting.delete(spec.boardId);
    const board: LocalBoard = new LocalBoard({
      boardId: spec.boardId,
      profile: spec.profile,
      ledCount: count,
      sinks: spec.sinks,
      settings: spec.settings,
      clock: this.options.clock,
      onSend: (frame) => this.upstream(board, frame),
    });
    this.boards.set(spec.boardId, board);
    this.counters.boardsAdded++;
    this.log(`local: ${spec.boardId}: ${count} LEDs on ${spec.sinks.map((s) => s.name).join(', ')}`);
    board.start();
  }

  /** Removes a board (its device was unplugged for good): the link marks it offline. */
  async remove(boardId: string, announce = true): Promise<void> {
    const board = this.boards.get(boardId);
    if (!board) return;
    this.boards.delete(boardId);
    board.stop();
    for (const s of board.sinks) await s.close().catch(() => {});
    this.counters.boardsGone++;
    if (announce) this.events?.gone(boardId, this);
  }

  board(boardId: string): LocalBoard | undefined {
    return this.boards.get(boardId);
  }

  list(): LocalBoard[] {
    return [...this.boards.values()];
  }

  async send(boardId: string, frames: Uint8Array[]): Promise<void> {
    const board = this.boards.get(boardId);
    if (!board) throw new Error(`local: no local board ${boardId}`);
    for (const f of frames) {
      this.counters.framesIn++;
      board.receive(f);
    }
  }

  /** Local boards keep their state in the bridge's own memory: nothing to retain. */
  async retainSnapshot(): Promise<void> {}

  health(): TransportHealth {
    const sinks = [...this.boards.values()].flatMap((b) => b.sinks.map((s) => s.health()));
    const down = sinks.filter((s) => s.state !== 'up');
    const state: TransportState = this.state !== 'up' ? this.state : down.length > 0 || this.waiting.size > 0 ? 'degraded' : 'up';
    const detail = [
      ...[...this.boards.values()].map((b) => `${b.id}: ${b.sinks.map((s) => s.health().detail).join('; ')}`),
      ...[...this.waiting.keys()].map((id) => `${id}: waiting for its LED count`),
    ].join(' | ') || 'no local boards';
    const all: Record<string, number> = { ...this.counters, boards: this.boards.size, waiting: this.waiting.size };
    for (const s of sinks) for (const [k, v] of Object.entries(s.counters)) all[k] = (all[k] ?? 0) + v;
    return { name: this.name, state, detail, counters: all };
  }

  private async retryWaiting(): Promise<void> {
    for (const spec of [...this.waiting.values()]) await this.add(spec);
    this.logSinkChanges();
  }

  /** Last state seen per sink, so a device going away or coming back is said once. */
  private readonly sinkStates = new Map<PixelSink, string>();

  private logSinkChanges(): void {
    for (const b of this.boards.values()) {
      for (const s of b.sinks) {
        const h = s.health();
        const before = this.sinkStates.get(s);
        this.sinkStates.set(s, h.state);
        if (before !== undefined && before !== h.state) this.log(`local: ${b.id}: ${s.name} ${h.state === 'up' ? 'is back' : 'is down, cannot drive it'}: ${h.detail}`);
        else if (before === undefined && h.state !== 'up') this.log(`local: ${b.id}: ${s.name} is down, cannot drive it: ${h.detail}`);
      }
    }
  }

  private upstream(board: LocalBoard, frame: Uint8Array): void {
    // A board removed a moment ago may still flush a HELLO from its last tick.
    if (this.boards.get(board.id) !== board || !this.events) return;
    const decoded = decode(frame);
    const up = decoded.ok ? readUpstream(decoded) : { problem: 'undecodable frame' };
    if ('problem' in up) {
      this.counters.badUpstream++;
      return;
    }
    for (const h of up.hellos) {
      this.counters.hellos++;
      this.events.hello(board.id, h, this);
    }
    for (const r of up.resyncs) {
      this.counters.resyncs++;
      this.events.resync(board.id, r, this);
    }
  }
}
