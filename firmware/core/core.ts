// The board: frames in, pixels out, HELLO/RESYNC back. Every runtime's HAL owns one Core and
// calls receive() with each frame (a binary string) and tick() from a timer; the core calls
// strip.set/show and send(frame) and never touches a clock, a socket or a pin itself.
//
// Sequence rules (protocol/SPEC.md): until a snapshot is applied, deltas are ignored and a
// HELLO goes out every RESYNC_MS (and every STALE_HELLO_MS while the link is stale). A SNAPSHOT frame starting with SNAPSHOT_BEGIN starts a
// snapshot whatever its seq; its frames must follow consecutively; SNAPSHOT_END with the right
// message count completes it and sets expected = seq + 1. A delta with seq == expected is
// applied; one behind is a duplicate (counted, ignored); one ahead is a gap (RESYNC(GAP)).
// Portable subset.

import { checkFrame, eachPayload, u16At } from '../../protocol/codec/check.ts';
import { OFFSET } from '../../protocol/codec/kinds.ts';
import { CAP, FLAG, HEADER_SIZE, MSG, RESYNC_REASON } from '../../protocol/codec/types.ts';
import { Model } from './model.ts';
import { Painter } from './render.ts';
import type { Strip } from './output.ts';
import { FIRMWARE_VERSION } from './settings.ts';
import { helloFrame, resyncFrame } from './upstream.ts';
import type { Settings } from './settings.ts';

/** Sends one frame (binary string) to the bridge. */
export type Send = (this: void, frame: string) => void;

/** At most one RESYNC per this many ms; also the BOOT resync period. */
export const RESYNC_MS = 2000;
/** While the link is stale, HELLO this often. */
export const STALE_HELLO_MS = 5000;
/** Bad frames in a row before a message transport asks for a resync. */
export const BAD_RUN = 3;

export const CAPS =
  CAP.ANIMATIONS + CAP.AGGREGATION + CAP.ROLLOUT + CAP.CLUSTER_HEALTH + CAP.LAYOUT_GROUPED + CAP.LAYOUT_STABLE;

export interface CoreStats {
  frames: number;
  applied: number;
  bad: number;
  duplicates: number;
  gaps: number;
  /** Deltas that came before any snapshot. */
  ignored: number;
  snapshots: number;
  badSnapshots: number;
  resyncs: number;
  renders: number;
}

export class Core {
  model: Model;
  stats: CoreStats;
  /** Colours per LED (painter.cur: packed r*65536 + g*256 + b, before brightness). */
  painter: Painter;
  synced = false;
  expected = 0;
  /** Estimated draw of the last frame (mA). */
  ma = 0;
  private settings: Settings;
  private strip: Strip;
  private send: Send;
  private upSeq = 0;
  private badRun = 0;
  private lastFrameAt: number;
  private lastResyncAt: number;
  private pending = -1;
  private inSnapshot = false;
  private snapId = 0;
  private snapNext = 0;
  private snapMessages = 0;
  private snapOk = false;
  /** Something changed or animates: the next tick renders. */
  private dirty = true;
  private wasStale = false;
  private lastRenderAt = -100000;
  /** Frame being taken apart, for the message callbacks. */
  private seq!: number;
  private now!: number;
  private data!: string;
  /**
   * The callbacks eachPayload() gets, made once here: an arrow that uses `this` inside a branch
   * of receive() is what Espruino's parser trips over (ASSERT(jsvHasChildren(obj)) in builds with
   * asserts) when esbuild turns that if/else into ?: and the branch is skipped.
   */
  private onSnapshot: (this: void, type: number, at: number) => void;
  private onDelta: (this: void, type: number, at: number) => void;

  constructor(settings: Settings, strip: Strip, send: Send, now: number) {
    this.settings = settings;
    this.strip = strip;
    this.send = send;
    this.model = new Model(settings);
    this.painter = new Painter(settings.ledCount, strip);
    this.onSnapshot = (type: number, at: number) => this.snapshotMessage(type, at);
    this.onDelta = (type: number, at: number) => this.model.apply(type, this.data, at, this.now, false);
    this.lastFrameAt = now;
    this.lastResyncAt = now;
    this.stats = { frames: 0, applied: 0, bad: 0, duplicates: 0, gaps: 0, ignored: 0, snapshots: 0, badSnapshots: 0, resyncs: 0, renders: 0 };
  }

  /** Next upstream sequence number (the board's own counter). */
  private nextSeq(): number {
    const seq = this.upSeq;
    this.upSeq = (seq + 1) % 65536;
    return seq;
  }

  /** Announces the board; the HAL calls this at boot and on every (re)connect. */
  hello(now: number): void {
    const s = this.settings;
    const caps = CAPS + (s.stream ? CAP.STREAM_FRAMING : 0);
    this.send(helloFrame(this.nextSeq(), s.ledCount, s.maxFrame, caps, s.boardId, s.profile, FIRMWARE_VERSION));
    // A HELLO makes the bridge send a snapshot: no BOOT resync right behind it.
    this.lastResyncAt = now;
  }

  /** Asks for a snapshot now, or as soon as the rate limit allows (tick). */
  private resync(reason: number, now: number): void {
    if (this.pending < 0) this.pending = reason;
    if (now - this.lastResyncAt >= RESYNC_MS) {
      this.send(resyncFrame(this.nextSeq(), (this.expected + 65535) % 65536, this.pending));
      this.stats.resyncs = this.stats.resyncs + 1;
      this.pending = -1;
      this.lastResyncAt = now;
    }
  }

  private failSnapshot(now: number): void {
    this.inSnapshot = false;
    this.synced = false;
    this.stats.badSnapshots = this.stats.badSnapshots + 1;
    this.resync(RESYNC_REASON.INCOMPLETE_SNAPSHOT, now);
  }

  /** One frame from the bridge, as a binary string. Never throws, whatever the bytes. */
  receive(data: string, now: number): void {
    this.stats.frames = this.stats.frames + 1;
    if (this.model.purge(now)) this.dirty = true;
    // The settings are the limits (their maxFrame): no object per frame.
    const info = checkFrame(data, this.settings);
    if (!info.ok) {
      this.stats.bad = this.stats.bad + 1;
      this.badRun = this.badRun + 1;
      if (this.badRun >= BAD_RUN || this.settings.stream) this.resync(RESYNC_REASON.BAD_FRAME, now);
      return;
    }
    this.badRun = 0;
    this.lastFrameAt = now;
    const seq = info.seq;
    if (Math.floor(info.flags / FLAG.SNAPSHOT) % 2 === 1) {
      if (info.count > 0 && data.charCodeAt(HEADER_SIZE) === MSG.SNAPSHOT_BEGIN) {
        this.model.clear();
        this.inSnapshot = true;
        this.synced = false;
        this.snapMessages = 0;
      } else if (!this.inSnapshot || seq !== this.snapNext) {
        if (this.inSnapshot) this.failSnapshot(now);
        else this.stats.ignored = this.stats.ignored + 1;
        return;
      }
      this.snapNext = (seq + 1) % 65536;
      this.snapOk = false;
      this.seq = seq;
      this.now = now;
      this.data = data;
      eachPayload(data, this.onSnapshot);
      this.dirty = true;
      return;
    }
    if (this.inSnapshot) {
      // A delta in the middle of a snapshot: the snapshot is lost.
      this.failSnapshot(now);
      return;
    }
    if (!this.synced) {
      this.stats.ignored = this.stats.ignored + 1;
      this.resync(RESYNC_REASON.BOOT, now);
      return;
    }
    const ahead = (seq - this.expected + 65536) % 65536;
    if (ahead === 0) {
      this.expected = (this.expected + 1) % 65536;
      this.stats.applied = this.stats.applied + 1;
      this.now = now;
      this.data = data;
      eachPayload(data, this.onDelta);
      this.dirty = true;
    } else if (ahead >= 32768) {
      this.stats.duplicates = this.stats.duplicates + 1;
    } else {
      this.stats.gaps = this.stats.gaps + 1;
      this.resync(RESYNC_REASON.GAP, now);
    }
  }

  /** One message of the snapshot frame `seq` that came at `now` (this.seq, this.now, this.data): its type and payload offset. */
  private snapshotMessage(type: number, at: number): void {
    const d = this.data;
    const now = this.now;
    if (!this.inSnapshot) return;
    // The state messages first: on Espruino every branch passed over is read through.
    if (type !== MSG.SNAPSHOT_BEGIN && type !== MSG.SNAPSHOT_END) {
      this.snapMessages = this.snapMessages + 1;
      this.model.apply(type, d, at, now, true);
    } else if (type === MSG.SNAPSHOT_BEGIN) {
      if (this.snapMessages > 0 || this.snapOk) {
        this.failSnapshot(now);
        return;
      }
      this.snapId = u16At(d, at + OFFSET.SNAPSHOT);
      this.snapOk = true;
    } else if (u16At(d, at + OFFSET.SNAPSHOT) !== this.snapId || u16At(d, at + OFFSET.END_MESSAGES) !== this.snapMessages) {
      this.failSnapshot(now);
    } else {
      this.inSnapshot = false;
      this.synced = true;
      this.expected = (this.seq + 1) % 65536;
      this.pending = -1;
      this.stats.snapshots = this.stats.snapshots + 1;
    }
  }

  /** Is the link stale (no frame within the heartbeat timeout)? */
  stale(now: number): boolean {
    return now - this.lastFrameAt > this.model.timeout;
  }

  /** Draws the strip for `now` unconditionally; returns whether it animates. */
  render(now: number): boolean {
    if (this.model.purge(now)) this.dirty = true;
    const waiting = !this.synced && this.stats.snapshots === 0;
    const p = this.painter;
    const moves = p.frame(this.model, now, waiting, !waiting && this.stale(now), this.settings.maPerChannel);
    this.ma = p.ma;
    this.stats.renders = this.stats.renders + 1;
    this.lastRenderAt = now;
    this.dirty = moves;
    return moves;
  }

  /**
   * Called by the HAL's timer: sends due resyncs and renders when something changed or animates,
   * at most `fps` times a second. Returns true when it rendered.
   */
  tick(now: number): boolean {
    // A snapshot whose frames stopped coming is as bad as a broken one.
    if (this.inSnapshot && now - this.lastFrameAt >= RESYNC_MS) this.failSnapshot(now);
    if (this.pending >= 0) this.resync(this.pending, now);
    // A board with nothing to show, or whose link went stale, introduces itself again rather
    // than asking for a resync: HELLO carries its id, so a bridge that restarted (and on a
    // serial cable cannot tell who is on the other end) knows whom to send a snapshot to.
    else if (!this.synced && !this.inSnapshot && now - this.lastResyncAt >= RESYNC_MS) this.hello(now);
    const stale = this.synced && this.stale(now);
    if (stale && now - this.lastResyncAt >= STALE_HELLO_MS) this.hello(now);
    if (stale !== this.wasStale) {
      this.wasStale = stale;
      this.dirty = true;
    }
    if (!this.dirty || now - this.lastRenderAt < Math.floor(1000 / this.model.rate)) return false;
    this.render(now);
    return true;
  }
}
