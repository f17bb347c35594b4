// The bounded event log behind watch resumption: like etcd after compaction, a watch may resume
// from any resourceVersion at or above the floor; older ones get 410 Expired.
import type { ResourceType } from './resources.ts';
import type { EventType, KubeObject } from './types.ts';

export interface StoredEvent {
  type: EventType;
  resource: ResourceType;
  /** The object after the change; for DELETED the last state, stamped with the delete's version. */
  object: KubeObject;
  /** The object before the change (undefined for ADDED); selector transitions need it. */
  prev?: KubeObject;
  rv: number;
}

export class History {
  private events: StoredEvent[] = [];
  private start = 0; // index of the oldest live event; the array is trimmed in chunks
  private floorRv: number;
  readonly capacity: number;

  constructor(opts: { capacity: number; floor?: number }) {
    if (!(opts.capacity >= 1)) throw new Error('history capacity must be at least 1');
    this.capacity = opts.capacity;
    this.floorRv = opts.floor ?? 0;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get floor(): number {
    return this.floorRv;
  }

  get size(): number {
    return this.events.length - this.start;
  }

  append(ev: StoredEvent): void {
    this.events.push(ev);
    if (this.size > this.capacity) {
      this.floorRv = this.events[this.start].rv;
      this.start++;
      // Trim in chunks so appends stay O(1) amortised.
      if (this.start > 1024 && this.start * 2 > this.events.length) {
        this.events = this.events.slice(this.start);
        this.start = 0;
      }
    }
  }

  /** Events after `rv`, oldest first, or 'expired' when some of them are gone. */
  since(rv: number): StoredEvent[] | 'expired' {
    if (rv < this.floorRv) return 'expired';
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  /** Forgets everything up to `rv` (the fault hook "expire history"). */
  compact(rv: number): void {
    while (this.start < this.events.length && this.events[this.start].rv <= rv) this.start++;
    this.floorRv = Math.max(this.floorRv, rv);
    this.events = this.events.slice(this.start);
    this.start = 0;
  }
}
