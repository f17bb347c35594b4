// List, then watch, forever, for one resource of one cluster, the way client-go's reflector does
// it: a paged list, then a watch from its resourceVersion with bookmarks and a randomised
// server-side timeout (5-10 min); when the server ends a watch the next one resumes from the last
// resourceVersion, so a quiet resource is never relisted. Only a 410 (history expired) relists,
// and that is said once, clearly. Failures back off with jitter; the backoff resets on success,
// and a recovery anywhere in the cluster wakes every waiting reflector (the watches of one
// cluster recover together, not each on its own 30 s timer).
//
// A watch that silently stopped delivering (a proxy that keeps the socket, a peer gone without
// a FIN) is found by a probe: once the watch has been quiet for `probeAfterMs`, a one-second
// watch from the same resourceVersion asks the server whether anything happened since. If it
// hands out an event the long watch never delivered, the long watch is dead and is replaced (no
// relist: it resumes from its resourceVersion). If the server cannot be reached, the resource
// is marked disconnected at once, so /readyz and the boards say stale while it lasts.
import type { Obj } from './http.ts';
import { KubeError } from './http.ts';
import type { KubeHttp } from './http.ts';
import type { Shape } from './project.ts';

export interface ReflectorHandlers<T> {
  /** An object appeared (first seen, or recreated under its name with a new uid). */
  add(key: string, value: T, resourceVersion: string): void;
  update(key: string, value: T, resourceVersion: string): void;
  delete(key: string, value: T): void;
  /** The first list is in, or a relist finished: the cache is complete. */
  synced?(): void;
}

/** Shared by the reflectors of one cluster: one success wakes them all. */
export class Recovery {
  private readonly sleepers = new Set<() => void>();

  /** A request succeeded after failures: whoever waits to retry, retry now. */
  succeeded(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  sleep(ms: number, signal: { stopped: boolean }): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
      if (signal.stopped) done();
    });
  }
}

export interface ReflectorOptions<T> {
  http: KubeHttp;
  /** Collection path, e.g. /api/v1/pods or /apis/apps/v1/deployments. */
  path: string;
  fieldSelector?: string;
  labelSelector?: string;
  normalize: (raw: Obj) => T;
  /** Decode only these fields of each object (what normalize reads; see project.ts). */
  fields?: Shape;
  handlers: ReflectorHandlers<T>;
  /** Probe a watch that delivered nothing (not even a bookmark) for this long, ms (default 10 s). */
  probeAfterMs?: number;
  /** Server-side watch timeout range, seconds (default 300..600, as client-go). */
  watchSeconds?: [number, number];
  backoffMinMs?: number;
  backoffMaxMs?: number;
  recovery?: Recovery;
  /** For a watch the bridge can do without: what is lost while it fails, said in its log line. */
  withoutIt?: string;
  log?: (line: string) => void;
}

export type ReflectorProblem = 'forbidden' | 'unauthorized' | 'unreachable' | 'error' | undefined;

export interface ReflectorStatus {
  path: string;
  labelSelector: string | undefined;
  synced: boolean;
  connected: boolean;
  lastError: string | undefined;
  /** What kind of trouble, for /readyz and the log: forbidden (RBAC) is not an outage. */
  problem: ReflectorProblem;
  /** Consecutive failures; 0 when the watch is healthy. */
  failures: number;
  /** When the loop last made progress (a response, an event, a probe, an error): liveness reads it. */
  lastProgressAt: number;
  counters: {
    lists: number;
    watches: number;
    events: number;
    bookmarks: number;
    /** 410s that led to a relist. */
    expired: number;
    /** Watches found dead by a probe and replaced. */
    deadWatches: number;
    probes: number;
    handlerErrors: number;
    errors: number;
  };
}

const keyOf = (o: Obj): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** resourceVersions are opaque, but etcd's are integers: compare them when both are. */
function newer(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a !== b;
  return a.length !== b.length ? a.length > b.length : a > b;
}

function problemOf(err: unknown): ReflectorProblem {
  if (!(err instanceof KubeError)) return 'error';
  if (err.forbidden) return 'forbidden';
  if (err.unauthorized) return 'unauthorized';
  if (err.kind === 'network' || err.kind === 'timeout') return 'unreachable';
  return 'error';
}

export class Reflector<T> {
  private readonly cache = new Map<string, { uid: string; value: T }>();
  private readonly run = { stopped: true };
  private abort: AbortController | undefined;
  private readonly recovery: Recovery;
  private lastLogged = '';
  readonly status: ReflectorStatus;

  constructor(private readonly options: ReflectorOptions<T>) {
    this.recovery = options.recovery ?? new Recovery();
    this.status = {
      path: options.path,
      labelSelector: options.labelSelector,
      synced: false,
      connected: false,
      lastError: undefined,
      problem: undefined,
      failures: 0,
      lastProgressAt: Date.now(),
      counters: { lists: 0, watches: 0, events: 0, bookmarks: 0, expired: 0, deadWatches: 0, probes: 0, handlerErrors: 0, errors: 0 },
    };
  }

  start(): void {
    if (!this.run.stopped) return;
    this.run.stopped = false;
    this.status.lastProgressAt = Date.now();
    void this.loop();
  }

  stop(): void {
    this.run.stopped = true;
    this.abort?.abort();
    this.recovery.succeeded(); // wakes this loop (and harmlessly the others) so it can end
  }

  get size(): number {
    return this.cache.size;
  }

  private get name(): string {
    const sel = this.options.labelSelector ? ` (${this.options.labelSelector})` : '';
    return `${this.options.path}${sel}`;
  }

  private say(line: string): void {
    this.options.log?.(line);
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.handlerThrew(err);
    }
  }

  private handlerThrew(err: unknown): void {
    this.status.counters.handlerErrors++;
    this.say(`kube: handler for ${this.name} threw: ${(err as Error).message}`);
  }

  private upsert(raw: Obj): void {
    const key = keyOf(raw);
    const uid = String(raw.metadata?.uid ?? '');
    const rv = String(raw.metadata?.resourceVersion ?? '');
    const value = this.options.normalize(raw);
    const seen = this.cache.get(key);
    if (seen && seen.uid === uid) {
      seen.value = value; // the commonest event: an update in place, nothing new to hold
      try {
        this.options.handlers.update(key, value, rv);
      } catch (err) {
        this.handlerThrew(err);
      }
      return;
    }
    if (seen) {
      // Same name, new object: the old one is gone, this is a replacement.
      this.cache.delete(key);
      this.call(() => this.options.handlers.delete(key, seen.value));
    }
    this.cache.set(key, { uid, value });
    this.call(() => this.options.handlers.add(key, value, rv));
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

  private progress(): void {
    this.status.lastProgressAt = Date.now();
  }

  private healthy(): void {
    const recovered = this.status.failures > 0 || !this.status.connected;
    this.status.failures = 0;
    this.status.lastError = undefined;
    this.status.problem = undefined;
    this.status.connected = true;
    if (recovered) {
      if (this.lastLogged) this.say(`kube: ${this.name}: connected again`);
      this.lastLogged = '';
      this.recovery.succeeded();
    }
  }

  /** Records a failure; logs it when its kind of trouble changed (not every retry). */
  private failed(err: unknown): void {
    this.progress();
    this.status.connected = false;
    this.status.failures++;
    this.status.counters.errors++;
    this.status.lastError = err instanceof Error ? err.message : String(err);
    this.status.problem = problemOf(err);
    let line: string;
    if (this.status.problem === 'forbidden') {
      const verb = this.status.synced ? 'watch' : 'list';
      line = `kube: forbidden: the service account lacks ${verb} on ${this.options.path.split('/').pop()} (RBAC): ${this.status.lastError}`;
    } else if (this.status.problem === 'unauthorized') {
      line = `kube: unauthorized: the credentials were refused (${this.status.lastError})`;
    } else line = `kube: ${this.name}: ${this.status.lastError}; retrying with backoff`;
    if (this.options.withoutIt) line += ` (${this.options.withoutIt})`;
    const kind = `${this.status.problem}`;
    if (kind !== this.lastLogged) this.say(line);
    this.lastLogged = kind;
  }

  private backoff(): Promise<void> {
    const min = this.options.backoffMinMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.status.failures - 1, 16));
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    return this.recovery.sleep(delay, this.run);
  }

  private async loop(): Promise<void> {
    while (!this.run.stopped) {
      let rv: string;
      try {
        rv = await this.list();
      } catch (err) {
        if (this.run.stopped) return;
        this.failed(err);
        await this.backoff();
        continue;
      }
      // Watch from rv until a 410 asks for a relist. A watch that ends (server timeout, closed
      // connection) resumes from where it was; only repeated refusals go back to a list.
      let refusals = 0;
      while (!this.run.stopped) {
        try {
          rv = await this.watchOnce(rv);
          refusals = 0;
        } catch (err) {
          if (this.run.stopped) return;
          if (err instanceof KubeError && err.expired) {
            this.status.counters.expired++;
            this.say(`kube: ${this.name}: resourceVersion ${rv} expired (410 Gone); relisting`);
            break;
          }
          this.failed(err);
          if (err instanceof KubeError && err.kind === 'http') refusals++;
          await this.backoff();
          // The server answered with an error it keeps repeating (e.g. a resourceVersion it
          // does not know after a restart): start over from a list.
          if (refusals >= 3) break;
        }
      }
    }
  }

  private async list(): Promise<string> {
    this.status.counters.lists++;
    const started = Date.now();
    this.abort = new AbortController();
    const list = await this.options.http.list(this.options.path, { labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector }, this.abort.signal, this.options.fields);
    if (this.run.stopped) return '';
    this.replace(list.items);
    const relist = this.status.synced;
    this.status.synced = true;
    this.healthy();
    this.progress();
    if (relist) this.say(`kube: ${this.name}: relisted ${list.items.length} objects in ${Date.now() - started} ms`);
    this.call(() => this.options.handlers.synced?.());
    return list.resourceVersion;
  }

  /** One watch request; resolves with the last resourceVersion when the server ends it. */
  private async watchOnce(from: string): Promise<string> {
    let rv = from;
    const [lo, hi] = this.options.watchSeconds ?? [300, 600];
    const seconds = Math.floor(lo + Math.random() * (hi - lo));
    const abort = new AbortController();
    this.abort = abort;
    let lastActivity = Date.now();
    let opened = false;
    // Why the watch was aborted from here: 'resume' when a probe found it stopped delivering (it
    // resumes from rv at once), an error when it must count as a failure.
    let aborted: 'resume' | KubeError | undefined;
    const probeAfter = this.options.probeAfterMs ?? 10_000;
    let probing = false;
    // The client's own deadline, past the server's: a watch whose end never arrives (the FIN was
    // lost with the path) is given up 30 s after the server should have ended it.
    const deadline = setTimeout(() => {
      aborted = new KubeError('timeout', `watch ${this.options.path}: the server did not end the watch after ${seconds} s`);
      abort.abort();
    }, seconds * 1000 + 30_000);
    const checker = setInterval(() => {
      if (probing || Date.now() - lastActivity < probeAfter || abort.signal.aborted) return;
      probing = true;
      void this.probe(rv, () => rv).then((verdict) => {
        probing = false;
        this.progress();
        lastActivity = Date.now();
        if (verdict === 'alive' || abort.signal.aborted) return;
        if (verdict === 'dead') {
          this.status.counters.deadWatches++;
          this.say(`kube: ${this.name}: the watch stopped delivering (the server has newer events); resuming it from ${rv}`);
          aborted = 'resume';
        } else {
          aborted = verdict;
          this.status.connected = false; // stale from now until a request succeeds again
        }
        abort.abort();
      });
    }, Math.max(50, Math.min(1000, probeAfter / 4)));
    this.status.counters.watches++;
    try {
      await this.options.http.watch(this.options.path, {
        resourceVersion: rv,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        timeoutSeconds: seconds,
        signal: abort.signal,
        fields: this.options.fields,
        onOpen: () => {
          opened = true;
          lastActivity = Date.now();
          this.healthy();
          this.progress();
        },
        onEvent: (type, obj) => {
          lastActivity = Date.now();
          if (obj?.metadata?.resourceVersion) rv = String(obj.metadata.resourceVersion);
          if (type === 'BOOKMARK') this.status.counters.bookmarks++;
          else {
            this.status.counters.events++;
            if (type === 'DELETED') this.remove(obj);
            else this.upsert(obj);
          }
        },
      });
      this.progress();
      if (!opened) this.healthy(); // a watch that ended quietly still proved the server answers
      return rv;
    } catch (err) {
      if (aborted === 'resume') return rv;
      throw aborted ?? err;
    } finally {
      clearTimeout(deadline);
      clearInterval(checker);
    }
  }

  /**
   * Asks the server, with a one-second watch from `from`, whether events happened that the long
   * watch has not delivered. 'alive' when it has none (or the long watch caught up meanwhile),
   * 'dead' when it has, a KubeError when the server cannot be reached.
   */
  private async probe(from: string, current: () => string): Promise<'alive' | 'dead' | KubeError> {
    if (from === '') return 'alive';
    this.status.counters.probes++;
    let first: string | undefined;
    const abort = new AbortController();
    try {
      await this.options.http.watch(this.options.path, {
        resourceVersion: from,
        labelSelector: this.options.labelSelector,
        fieldSelector: this.options.fieldSelector,
        timeoutSeconds: 1,
        signal: abort.signal,
        fields: this.options.fields,
        onEvent: (type, obj) => {
          if (type === 'BOOKMARK' || first !== undefined) return;
          first = String(obj?.metadata?.resourceVersion ?? '');
          abort.abort(); // one event is enough to know
        },
      });
    } catch (err) {
      if (first === undefined) {
        if (err instanceof KubeError && (err.expired || err.kind === 'http')) return 'alive'; // cannot tell: the deadline covers it
        if (err instanceof KubeError && err.kind !== 'aborted') return err;
      }
    }
    if (first === undefined) return 'alive';
    return newer(first, current()) ? 'dead' : 'alive';
  }
}
