// Runs the simulated control plane: controllers react to store events by queueing keys, and
// the manager syncs them one at a time. Syncs are synchronous (the store is memory), so a queue
// can be drained on demand (`settle()`), which is what makes ManualClock tests exact.
import type { Clock, Timer } from '../clock.ts';
import { isStatusError } from '../errors.ts';
import type { StoredEvent } from '../history.ts';
import type { Store } from '../store.ts';

export interface Controller {
  readonly name: string;
  /** Maps a store event to the keys this controller must look at again. */
  keysFor(ev: StoredEvent): string[];
  sync(key: string): void;
  /** Keys to sync once at start-up (existing objects). */
  initialKeys?(): string[];
}

interface QueueItem {
  controller: Controller;
  key: string;
}

export class ControllerManager {
  private readonly clock: Clock;
  private readonly store: Store;
  private readonly controllers: Controller[] = [];
  private queue: QueueItem[] = [];
  private readonly queued = new Set<string>();
  private readonly delayed = new Map<string, Timer>();
  private immediate: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;
  private untick: (() => void) | undefined;
  private draining = false;
  private running = false;
  /** Sync failures (other than conflicts, which are retried quietly) are reported here. */
  onError: (controller: string, key: string, err: unknown) => void = (c, k, err) =>
    console.error(`podlights sim: controller ${c} failed on ${k}:`, err);

  constructor(opts: { clock: Clock; store: Store }) {
    this.clock = opts.clock;
    this.store = opts.store;
  }

  register(c: Controller): void {
    this.controllers.push(c);
    if (this.running) for (const k of c.initialKeys?.() ?? []) this.enqueue(c, k);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.subscribe((ev) => {
      for (const c of this.controllers) for (const k of c.keysFor(ev)) this.enqueue(c, k);
    });
    this.untick = this.clock.onTick(() => this.settle());
    for (const c of this.controllers) for (const k of c.initialKeys?.() ?? []) this.enqueue(c, k);
  }

  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.untick?.();
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    for (const t of this.delayed.values()) t.cancel();
    this.delayed.clear();
    this.queue = [];
    this.queued.clear();
  }

  enqueue(c: Controller, key: string): void {
    if (!this.running) return;
    const id = `${c.name}\u0000${key}`;
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.queue.push({ controller: c, key });
    if (!this.immediate && !this.draining) this.immediate = setImmediate(() => { this.immediate = undefined; this.settle(); });
  }

  /** Syncs `key` again after simMs (readiness delays, progress deadlines, back-off). */
  enqueueAfter(c: Controller, key: string, simMs: number): void {
    if (!this.running) return;
    const id = `${c.name}\u0000${key}`;
    this.delayed.get(id)?.cancel();
    this.delayed.set(id, this.clock.setTimer(simMs, () => {
      this.delayed.delete(id);
      this.enqueue(c, key);
    }));
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Drains the queue now; a bounded number of rounds guards against controllers that loop. */
  settle(maxSyncs = 200_000): void {
    if (this.draining) return;
    this.draining = true;
    try {
      let n = 0;
      while (this.queue.length > 0 && this.running) {
        if (++n > maxSyncs) {
          this.onError('manager', '*', new Error(`controllers did not settle after ${maxSyncs} syncs; continuing on the next tick`));
          if (!this.immediate) this.immediate = setImmediate(() => { this.immediate = undefined; this.settle(); });
          return;
        }
        const item = this.queue.shift() as QueueItem;
        this.queued.delete(`${item.controller.name}\u0000${item.key}`);
        try {
          item.controller.sync(item.key);
        } catch (err) {
          if (isStatusError(err, 'Conflict') || isStatusError(err, 'AlreadyExists')) this.enqueueAfter(item.controller, item.key, 10);
          else {
            this.onError(item.controller.name, item.key, err);
            this.enqueueAfter(item.controller, item.key, 1000);
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
