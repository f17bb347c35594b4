// The simulated etcd: objects by resource, namespace and name, one global ever-increasing
// resourceVersion, a bounded history for watch resumption, and synchronous listeners (the
// controllers and open watches). Everything above it (defaults, validation, graceful deletion)
// lives in api.ts; the store only versions and records.
import { History, type StoredEvent } from './history.ts';
import type { ResourceType } from './resources.ts';
import type { EventType, KubeObject } from './types.ts';

export type StoreListener = (ev: StoredEvent) => void;

export class Store {
  private rv: number;
  private readonly data = new Map<ResourceType, Map<string, Map<string, KubeObject>>>();
  private readonly listeners = new Set<StoreListener>();
  history: History;
  /** Errors thrown by listeners: reported, never allowed to break a write. */
  onListenerError: (err: unknown) => void = (err) => console.error('podlights sim: store listener failed:', err);

  constructor(opts: { historySize?: number; startRv?: number } = {}) {
    this.rv = opts.startRv ?? 0;
    this.history = new History({ capacity: opts.historySize ?? 10_000, floor: this.rv });
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get(res: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.data.get(res)?.get(namespace ?? '')?.get(name);
  }

  /** Objects of a type, in one namespace or all; callers must not mutate them. */
  list(res: ResourceType, namespace?: string): KubeObject[] {
    const byNs = this.data.get(res);
    if (!byNs) return [];
    if (namespace !== undefined) return [...(byNs.get(namespace)?.values() ?? [])];
    const out: KubeObject[] = [];
    for (const m of byNs.values()) for (const o of m.values()) out.push(o);
    return out;
  }

  count(res: ResourceType): number {
    let n = 0;
    for (const m of this.data.get(res)?.values() ?? []) n += m.size;
    return n;
  }

  /** Creates or replaces; the store takes ownership of `obj` and stamps its resourceVersion. */
  put(res: ResourceType, obj: KubeObject): KubeObject {
    const ns = obj.metadata.namespace ?? '';
    const name = String(obj.metadata.name);
    let byNs = this.data.get(res);
    if (!byNs) this.data.set(res, (byNs = new Map()));
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    const prev = byName.get(name);
    obj.metadata.resourceVersion = String(++this.rv);
    byName.set(name, obj);
    this.emit(prev ? 'MODIFIED' : 'ADDED', res, obj, prev);
    return obj;
  }

  remove(res: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const byName = this.data.get(res)?.get(namespace ?? '');
    const prev = byName?.get(name);
    if (!byName || !prev) return undefined;
    byName.delete(name);
    // The DELETED event carries the last state under the deletion's own version, as etcd does.
    const last: KubeObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(++this.rv) } };
    this.emit('DELETED', res, last, prev);
    return last;
  }

  subscribe(fn: StoreListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drops all history: every watch resuming from before now gets 410 Expired. */
  compact(): void {
    this.history.compact(this.rv);
  }

  /**
   * Gives every object a fresh version from 1 upwards and forgets the history: what a client
   * sees when a cluster comes back from a restored etcd backup. Emits no events.
   */
  renumber(): void {
    this.rv = 0;
    const all: KubeObject[] = [];
    for (const byNs of this.data.values()) for (const m of byNs.values()) for (const [name, o] of m) {
      const copy = { ...o, metadata: { ...o.metadata } };
      m.set(name, copy);
      all.push(copy);
    }
    for (const o of all) o.metadata.resourceVersion = String(++this.rv);
    this.history = new History({ capacity: this.history.capacity, floor: this.rv });
  }

  private emit(type: EventType, resource: ResourceType, object: KubeObject, prev: KubeObject | undefined): void {
    const ev: StoredEvent = { type, resource, object, prev, rv: this.rv };
    this.history.append(ev);
    for (const fn of this.listeners) {
      try {
        fn(ev);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
