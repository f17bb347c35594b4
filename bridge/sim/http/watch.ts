// One watch stream: replays the initial state or the history after a resourceVersion, then
// forwards store events that pass the namespace and selectors, turning selector transitions
// into ADDED/DELETED as the API server's watch cache does. One compact JSON event per line.
// The fault hooks can stall a stream (events queue up) or black-hole it (silence, no FIN).
import type { ServerResponse } from 'node:http';
import type { Timer } from '../clock.ts';
import type { StoredEvent } from '../history.ts';
import type { ResourceType } from '../resources.ts';
import type { FieldSelector, LabelSelector } from '../selectors.ts';
import type { Store } from '../store.ts';
import type { EventType, KubeObject } from '../types.ts';
import { objectJson } from './io.ts';
import { toTable } from './tables.ts';

export interface WatchParams {
  res: ResourceType;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
  table: boolean;
  allowBookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutMs: number;
  /** Maximum bytes queued for a slow reader before the stream is closed (the client re-watches). */
  maxBufferBytes: number;
}

export type WatchMode = 'live' | 'stalled' | 'blackholed';

export class WatchStream {
  readonly params: WatchParams;
  private readonly res: ServerResponse;
  private readonly store: Store;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private timers: Array<NodeJS.Timeout | Timer> = [];
  private mode: WatchMode = 'live';
  private held: string[] = [];
  private closed = false;
  private lastRv: number;
  readonly onClose = new Set<() => void>();
  /** Events written (for the benchmark and tests). */
  sent = 0;

  constructor(opts: { res: ServerResponse; store: Store; params: WatchParams; now: () => number }) {
    this.res = opts.res;
    this.store = opts.store;
    this.params = opts.params;
    this.now = opts.now;
    this.lastRv = this.store.resourceVersion;
    this.res.on('close', () => this.close());
    this.res.on('error', () => this.close());
  }

  /** Starts streaming; `backlog` is what to replay first (initial ADDEDs or history). */
  start(backlog: { initial?: KubeObject[]; history?: StoredEvent[]; initialEventsEnd?: boolean }): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    this.res.flushHeaders();
    // Subscribing and replaying in the same tick leaves no gap: store writes are synchronous.
    this.unsubscribe = this.store.subscribe((ev) => this.onEvent(ev));
    for (const o of backlog.initial ?? []) this.emit('ADDED', o);
    for (const ev of backlog.history ?? []) this.onEvent(ev);
    if (backlog.initialEventsEnd) this.bookmark({ 'k8s.io/initial-events-end': 'true' });
    if (this.params.timeoutMs > 0 && Number.isFinite(this.params.timeoutMs)) {
      this.timers.push(setTimeout(() => this.close(), this.params.timeoutMs));
    }
    if (this.params.allowBookmarks && this.params.bookmarkIntervalMs > 0) {
      this.timers.push(setInterval(() => this.bookmark(), this.params.bookmarkIntervalMs));
    }
  }

  setMode(mode: WatchMode): void {
    const wasStalled = this.mode === 'stalled';
    this.mode = mode;
    if (wasStalled && mode === 'live') {
      const held = this.held;
      this.held = [];
      for (const line of held) this.write(line);
    }
  }

  /** Ends the stream with one ERROR event (e.g. 410 Expired), as the API server does. */
  fail(status: Record<string, unknown>): void {
    if (this.closed) return;
    this.write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`, true);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) {
      if (typeof t === 'object' && 'cancel' in t) t.cancel();
      else clearTimeout(t as NodeJS.Timeout);
    }
    this.timers = [];
    // A black-holed stream stays silent: no final chunk, no FIN, until the socket is destroyed.
    if (this.mode !== 'blackholed' && !this.res.destroyed) this.res.end();
    for (const fn of this.onClose) fn();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private matches(o: KubeObject | undefined): boolean {
    if (!o) return false;
    const p = this.params;
    if (p.namespace !== undefined && o.metadata.namespace !== p.namespace) return false;
    return p.labels.matches(o.metadata.labels) && p.fields.matches(o);
  }

  private onEvent(ev: StoredEvent): void {
    if (ev.resource !== this.params.res || this.closed) return;
    this.lastRv = ev.rv;
    const now = this.matches(ev.object);
    if (ev.type === 'DELETED') {
      if (this.matches(ev.prev ?? ev.object)) this.emit('DELETED', ev.object);
      return;
    }
    const before = ev.type === 'MODIFIED' && this.matches(ev.prev);
    if (now && before) this.emit('MODIFIED', ev.object);
    else if (now) this.emit('ADDED', ev.object);
    else if (before && ev.prev) {
      // Leaving the selection: the previous state under the new version, as DELETED.
      this.emit('DELETED', { ...ev.prev, metadata: { ...ev.prev.metadata, resourceVersion: String(ev.rv) } });
    }
  }

  private emit(type: EventType, obj: KubeObject): void {
    const body = this.params.table
      ? JSON.stringify(toTable({ res: this.params.res, items: [obj], now: this.now() }))
      : objectJson(obj);
    this.write(`{"type":"${type}","object":${body}}\n`);
  }

  private bookmark(annotations?: Record<string, string>): void {
    const metadata: Record<string, unknown> = { resourceVersion: String(Math.max(this.lastRv, this.store.resourceVersion)) };
    if (annotations) metadata.annotations = annotations;
    const obj = { kind: this.params.res.kind, apiVersion: this.params.res.group ? `${this.params.res.group}/${this.params.res.version}` : this.params.res.version, metadata };
    this.write(`{"type":"BOOKMARK","object":${JSON.stringify(obj)}}\n`);
  }

  private write(line: string, force = false): void {
    if (this.closed || this.res.destroyed) return;
    if (!force && this.mode === 'blackholed') return;
    if (!force && this.mode === 'stalled') {
      this.held.push(line);
      return;
    }
    this.sent++;
    this.res.write(line);
    if (this.res.writableLength > this.params.maxBufferBytes) {
      console.error(`podlights sim: closing a watch on ${this.params.res.plural}: the client is not reading (${this.res.writableLength} bytes queued)`);
      this.close();
    }
  }
}
