// One board's session: sequence numbers, snapshot-then-deltas, heartbeats, and the retained
// snapshot. The view hands in the state the board should show whenever it likes; the session
// sends only at flush() time and only the difference from what the board already has, so
// bursts coalesce (the latest state of each pod wins) and memory stays one state per board.
//
// Two ways in: setDesired(state) for a state that may differ anywhere (the session diffs it
// whole against what the board has, O(pods)), and patchDesired(state, handles) for pods that
// changed state in place (the session looks at those handles only, O(changes)). The pods the
// board has are the session's own copy (boardPods), so a view may go on patching the state it
// handed in, as long as it announces every patched handle.
import { DEFAULT_MAX_FRAME, MSG, packFrames, planFrames, planSnapshot } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';
import type { Transport } from '../transports/types.ts';
import { emptyDisplayState } from './display-state.ts';
import type { DisplayState, PodDisplay } from './display-state.ts';
import { diffMessages, stateMessages } from './diff.ts';
import { ALL_CAPS, forCaps } from './hello-check.ts';

export interface SessionOptions {
  boardId: string;
  transport: Transport;
  ledCount: number;
  maxFrame?: number;
  /** First sequence number (tests pin it; a fresh bridge picks a random one). */
  seq?: number;
  /** Republish the retained snapshot at most this often while the state changes. */
  retainEveryMs?: number;
}

export interface SessionStats {
  snapshots: number;
  deltaFrames: number;
  heartbeats: number;
  messages: number;
  bytes: number;
  resyncs: number;
  retained: number;
  /** Retained snapshots that could not be made (the state needs more than 255 frames). */
  retainFailures: number;
  sendErrors: number;
}

export class BoardSession {
  readonly boardId: string;
  transport: Transport;
  ledCount: number;
  maxFrame: number;
  /** What the board announced it can render (HELLO caps); everything until it says. */
  caps = ALL_CAPS;
  online = false;
  lastSeen = 0;
  /** When the last snapshot answering a HELLO went out (duplicate HELLOs are not answered twice). */
  snapshotAt = -Infinity;
  private seq: number;
  private snapshotCounter = 0;
  private desired: DisplayState = emptyDisplayState();
  /**
   * What the board has, as far as the bridge knows; undefined until a snapshot went out. Its
   * pods are not read (the view may patch them in place): boardPods holds what was sent.
   */
  private sent: DisplayState | undefined;
  private boardPods: Record<number, PodDisplay> = {};
  /** Pods patched in place since the last send; undefined when the next delta must diff whole states. */
  private dirty: Set<number> | undefined;
  private needSnapshot = true;
  /** setDesired was called since the last delta: only then is a diff worth computing. */
  private changed = true;
  private lastSendAt = 0;
  private retainedDirty = true;
  private lastRetainAt = -Infinity;
  private retainCostMs = 0;
  private snapshotFailedAt = -Infinity;
  private readonly retainEveryMs: number;
  readonly stats: SessionStats = { snapshots: 0, deltaFrames: 0, heartbeats: 0, messages: 0, bytes: 0, resyncs: 0, retained: 0, retainFailures: 0, sendErrors: 0 };

  constructor(options: SessionOptions) {
    this.boardId = options.boardId;
    this.transport = options.transport;
    this.ledCount = options.ledCount;
    this.maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
    this.seq = (options.seq ?? Math.floor(Math.random() * 65536)) & 0xffff;
    this.retainEveryMs = options.retainEveryMs ?? 2000;
  }

  /**
   * The view's latest idea of what this board should show. Cheap; nothing is sent here. The
   * state must not be changed afterwards: the session keeps it by reference.
   */
  setDesired(state: DisplayState): void {
    this.desired = state;
    this.changed = true;
    this.dirty = undefined;
    this.retainedDirty = true;
  }

  /**
   * The same state as the last one handed in (by setDesired or here) except for the states of
   * the pods `handles` name: only those are looked at when the delta is made. The state may be
   * the previous one patched in place.
   */
  patchDesired(state: DisplayState, handles: Iterable<number>): void {
    this.desired = state;
    this.retainedDirty = true;
    if (this.changed && this.dirty === undefined) return; // a whole diff is due anyway
    if (!this.changed) this.dirty = new Set();
    this.changed = true;
    for (const h of handles) this.dirty!.add(h);
  }

  /** The delta from what the board has to what it should show. */
  private delta(): Message[] {
    const target = this.desired;
    if (this.dirty === undefined) return diffMessages({ ...this.sent!, pods: this.boardPods }, target);
    const out: Message[] = [];
    for (const id of [...this.dirty].sort((a, b) => a - b)) {
      const was = this.boardPods[id];
      const now = target.pods[id];
      // Only states change on this path; anything else is a view bug the whole diff would hide.
      if (was === undefined || now === undefined || was.lane !== now.lane || was.group !== now.group) {
        this.dirty = undefined;
        return diffMessages({ ...this.sent!, pods: this.boardPods }, target);
      }
      if (was.state !== now.state) out.push({ type: MSG.POD_STATE, pod: id, state: now.state });
    }
    return out;
  }

  /** Records that `target` went out: the board now has its pods. */
  private wasSent(target: DisplayState, whole: boolean): void {
    if (whole || this.dirty === undefined) this.boardPods = { ...target.pods };
    else for (const id of this.dirty) this.boardPods[id] = target.pods[id];
    this.sent = target;
    this.dirty = new Set();
    this.changed = false;
  }

  /** How many messages the next flush would send (the whole state while a snapshot is due). */
  pending(): number {
    if (this.needSnapshot || this.sent === undefined) return forCaps(stateMessages(this.desired), this.caps).length;
    return this.changed ? forCaps(this.delta(), this.caps).length : 0;
  }

  /** Something is due that a flush would send (a snapshot or a change). */
  get hasChanges(): boolean {
    return this.online && (this.needSnapshot || this.changed);
  }

  /** What the board has as far as the session knows (undefined before a snapshot). */
  shown(): DisplayState | undefined {
    return this.sent && { ...this.sent, pods: this.boardPods };
  }

  /** After HELLO, RESYNC or anything that makes the board's state unknown. */
  requestSnapshot(): void {
    this.needSnapshot = true;
    this.stats.resyncs++;
  }

  private take(count: number): number {
    const first = this.seq;
    this.seq = (this.seq + count) & 0xffff;
    return first;
  }

  private async deliver(frames: Uint8Array[]): Promise<boolean> {
    try {
      await this.transport.send(this.boardId, frames);
      for (const f of frames) this.stats.bytes += f.length;
      return true;
    } catch {
      // The transport counts and reports its own failures; the board is resynced when it returns.
      this.stats.sendErrors++;
      this.needSnapshot = true;
      return false;
    }
  }

  /**
   * Sends what is due: a snapshot if one was asked for, else the delta since the last send, else
   * a heartbeat once a third of the board's stale timeout has passed in silence.
   */
  async flush(now: number): Promise<void> {
    const target = this.desired;
    if (this.online && this.needSnapshot) {
      // A state too big for a snapshot in this board's frames (more than 255) fails the same way
      // every time: tried again every 5 s, not at every flush (the link says why, rate-limited).
      if (now - this.snapshotFailedAt < 5000) return;
      this.snapshotFailedAt = now;
      const messages = forCaps(stateMessages(target), this.caps);
      const plan = planSnapshot(messages, { snapshot: this.snapshotCounter++ & 0xffff, maxFrame: this.maxFrame });
      const frames = plan.encode(this.take(plan.frames));
      this.snapshotFailedAt = -Infinity;
      this.needSnapshot = false;
      this.wasSent(target, true);
      this.lastSendAt = now;
      this.snapshotAt = now;
      this.stats.snapshots++;
      this.stats.messages += messages.length;
      await this.deliver(frames);
    } else if (this.online && this.sent !== undefined) {
      const delta = this.changed ? forCaps(this.delta(), this.caps) : [];
      if (this.changed) this.wasSent(target, false);
      if (delta.length > 0) {
        const plan = planFrames(delta, { maxFrame: this.maxFrame });
        const frames = plan.encode(this.take(plan.frames));
        this.lastSendAt = now;
        this.stats.deltaFrames += frames.length;
        this.stats.messages += delta.length;
        await this.deliver(frames);
      } else if (delta.length === 0 && now - this.lastSendAt >= target.heartbeatTimeoutMs / 3) {
        const frames = packFrames([{ type: MSG.HEARTBEAT, timeoutMs: target.heartbeatTimeoutMs }], { seq: this.take(1) });
        this.lastSendAt = now;
        this.stats.heartbeats++;
        await this.deliver(frames);
      }
    }
    await this.maybeRetain(now);
  }

  /**
   * The retained snapshot is the board's state as of the last frame sent: its frames end at the
   * last used seq, so a board that boots from it expects exactly the next delta. While the board
   * has not been sent anything yet, it is the desired state ending just before the next seq.
   */
  private async maybeRetain(now: number): Promise<void> {
    // A big state costs more to encode than a small one: once a snapshot takes more than 2 ms to
    // make, the next waits at least 500 times as long, so retaining never takes more than 0.2% of
    // the CPU while the state keeps changing (a board that reboots meanwhile asks for a snapshot).
    const floor = this.retainCostMs > 2 ? this.retainCostMs * 500 : 0;
    if (!this.retainedDirty || now - this.lastRetainAt < Math.max(this.retainEveryMs, floor)) return;
    const started = performance.now();
    const state = this.sent !== undefined && this.online ? { ...this.sent, pods: this.boardPods } : this.desired;
    const messages = forCaps(stateMessages(state), this.caps);
    let frames: Uint8Array[];
    try {
      const plan = planSnapshot(messages, { snapshot: this.snapshotCounter++ & 0xffff, maxFrame: this.maxFrame });
      frames = plan.encode((this.seq - plan.frames) & 0xffff);
    } catch {
      // Too big to retain in this board's frames: the board, kept right by deltas, is not
      // disturbed (a throw here used to ask it for a snapshot that cannot be made either).
      this.stats.retainFailures++;
      this.retainedDirty = false;
      this.lastRetainAt = now;
      this.retainCostMs = Math.max(this.retainCostMs, performance.now() - started, 10);
      return;
    }
    this.retainCostMs = performance.now() - started;
    this.retainedDirty = false;
    this.lastRetainAt = now;
    try {
      await this.transport.retainSnapshot(this.boardId, frames);
      this.stats.retained++;
    } catch {
      this.stats.sendErrors++;
      this.retainedDirty = true;
    }
  }
}
