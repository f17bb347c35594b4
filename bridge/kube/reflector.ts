// List, then watch, forever, for one resource of one cluster, with the real client-node `Watch`.
// client-node's informer stops on errors and can hang on a dead connection, so this loop owns
// the cycle: jittered backoff after failures, a watchdog that restarts a watch from which
// neither event nor bookmark arrived in time, bookmarks requested, a relist after 410 (as an
// ERROR event in the stream or as the HTTP status) that yields correct synthetic
// adds/updates/deletes, uid-aware identity, and handler exceptions contained and counted.
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw watch objects */
type Obj = Record<string, any>;

export interface ReflectorHandlers<T> {
  /** An object appeared (first seen, or recreated under its name with a new uid). */
  add(key: string, value: T): void;
  update(key: string, value: T): void;
  delete(key: string, value: T): void;
  /** The first list is in, or a relist finished: the cache is complete. */
  synced?(): void;
}

export interface ReflectorOptions<T> {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. /api/v1/pods or /apis/apps/v1/deployments. */
  path: string;
  /** The typed list call (client-node API); its items are normalised like watch objects. */
  list: () => Promise<{ metadata?: { resourceVersion?: string }; items: Obj[] }>;
  fieldSelector?: string;
  labelSelector?: string;
  normalize: (raw: Obj) => T;
  handlers: ReflectorHandlers<T>;
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. */
  watchdogMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  log?: (line: string) => void;
}

export interface ReflectorStatus {
  path: string;
  synced: boolean;
  connected: boolean;
  lastError: string | undefined;
  /** Consecutive failures; 0 when the watch is healthy. */
  failures: number;
  counters: { lists: number; watches: number; events: number; bookmarks: number; expired: number; watchdog: number; handlerErrors: number; errors: number };
}

class Expired extends Error {}

const keyOf = (o: Obj): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export class Reflector<T> {
  private readonly cache = new Map<string, { uid: string; value: T }>();
  private stopped = true;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;
  readonly status: ReflectorStatus;

  constructor(private readonly options: ReflectorOptions<T>) {
    this.status = {
      path: options.path,
      synced: false,
      connected: false,
      lastError: undefined,
      failures: 0,
      counters: { lists: 0, watches: 0, events: 0, bookmarks: 0, expired: 0, watchdog: 0, handlerErrors: 0, errors: 0 },
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
  }

  values(): T[] {
    return [...this.cache.values()].map((e) => e.value);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.status.counters.handlerErrors++;
      this.options.log?.(`kube: handler for ${this.options.path} threw: ${(err as Error).message}`);
    }
  }

  private upsert(raw: Obj): void {
    const key = keyOf(raw);
    const uid = String(raw.metadata?.uid ?? '');
    const value = this.options.normalize(raw);
    const seen = this.cache.get(key);
    if (seen && seen.uid !== uid) {
      // Same name, new object: the old one is gone, this is a replacement.
      this.cache.delete(key);
      this.call(() => this.options.handlers.delete(key, seen.value));
    }
    this.cache.set(key, { uid, value });
    this.call(() => (seen && seen.uid === uid ? this.options.handlers.update(key, value) : this.options.handlers.add(key, value)));
  }

  private remove(raw: Obj): void {
    const key = keyOf(raw);
    const seen = this.cache.get(key);
    if (!seen) return;
    this.cache.delete(key);
    this.call(() => this.options.handlers.delete(key, seen.value));
  }

  /** Replaces the cache with a fresh list, emitting the difference. */
  private replace(items: Obj[]): void {
    const fresh = new Set(items.map(keyOf));
    for (const [key, seen] of [...this.cache]) {
      if (!fresh.has(key)) {
        this.cache.delete(key);
        this.call(() => this.options.handlers.delete(key, seen.value));
      }
    }
    for (const item of items) this.upsert(item);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    const min = this.options.backoffMinMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    while (!this.stopped) {
      try {
        this.status.counters.lists++;
        const list = await this.options.list();
        if (this.stopped) return;
        this.replace(list.items as Obj[]);
        this.status.synced = true;
        this.status.connected = true;
        this.call(() => this.options.handlers.synced?.());
        let rv = list.metadata?.resourceVersion ?? '';
        // Watch until the history expires (then relist) or something fails (then back off).
        for (;;) {
          rv = await this.watchOnce(rv);
          this.status.failures = 0;
          this.status.lastError = undefined;
          if (this.stopped) return;
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof Expired) {
          this.status.counters.expired++;
          continue; // relist at once
        }
        this.status.connected = false;
        this.status.failures++;
        this.status.counters.errors++;
        this.status.lastError = (err as Error).message ?? String(err);
        const ceiling = Math.min(max, min * 2 ** Math.min(this.status.failures - 1, 16));
        const delay = ceiling / 2 + Math.random() * (ceiling / 2);
        this.options.log?.(`kube: ${this.options.path}: ${this.status.lastError}; retrying in ${Math.round(delay)} ms`);
        await this.sleep(delay);
      }
    }
  }

  /** One watch request; resolves with the last resourceVersion when it ends normally. */
  private watchOnce(from: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let rv = from;
      let settled = false;
      const watchdogMs = this.options.watchdogMs ?? 120_000;
      let watchdog: NodeJS.Timeout | undefined;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        this.abort?.abort();
        if (err) reject(err);
        else resolve(rv);
      };
      const feed = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          this.status.counters.watchdog++;
          this.options.log?.(`kube: ${this.options.path}: no event or bookmark for ${watchdogMs} ms; restarting the watch`);
          finish();
        }, watchdogMs);
      };
      feed();
      this.status.counters.watches++;
      const onEvent = (type: string, obj: Obj): void => {
        if (settled) return;
        feed();
        if (obj?.metadata?.resourceVersion) rv = String(obj.metadata.resourceVersion);
        if (type === 'BOOKMARK') {
          this.status.counters.bookmarks++;
        } else if (type === 'ERROR') {
          if (Number(obj?.code) === 410) finish(new Expired('resourceVersion expired'));
          else finish(new Error(`watch error: ${obj?.message ?? JSON.stringify(obj)}`));
        } else {
          this.status.counters.events++;
          if (type === 'DELETED') this.remove(obj);
          else this.upsert(obj);
        }
      };
      const onDone = (err: unknown): void => {
        const e = err as { statusCode?: number; message?: string } | null;
        if (!e) finish();
        else if (e.statusCode === 410) finish(new Expired('resourceVersion expired'));
        else if ((e as Error).name === 'AbortError') finish();
        else finish(new Error(e.message ?? String(e)));
      };
      new Watch(this.options.kubeConfig)
        .watch(
          this.options.path,
          {
            resourceVersion: rv,
            allowWatchBookmarks: true,
            timeoutSeconds: 240 + Math.floor(Math.random() * 120),
            fieldSelector: this.options.fieldSelector,
            labelSelector: this.options.labelSelector,
          },
          onEvent,
          onDone,
        )
        .then((controller) => {
          if (settled) controller.abort();
          else this.abort = controller;
        })
        .catch((err: Error) => finish(err));
    });
  }
}
