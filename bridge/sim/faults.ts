// Fault hooks for the bridge's reliability tests: failing requests (5xx, 429), latency, watches
// that go silent without a FIN, reset connections, stalled streams, expired history and server
// restarts. Each hook says what it did (counts), so a test never wonders whether it fired.
import { StatusError } from './errors.ts';

export interface FailRule {
  /** HTTP status to answer with: 429, 500, 503, 504... */
  status: number;
  /** How many matching requests fail (default 1; Infinity until clear()). */
  count?: number;
  method?: string;
  /** Matches the request path (substring or RegExp). */
  path?: string | RegExp;
  /** Only watch requests (true) or only non-watch requests (false). */
  watch?: boolean;
  /** For 429/503: the Retry-After header, seconds (default 1). */
  retryAfterSeconds?: number;
}

interface ActiveRule extends FailRule {
  left: number;
}

/** What the HTTP server exposes to the fault hooks. */
export interface FaultTarget {
  dropWatches(): number;
  resetConnections(): number;
  setWatchMode(mode: 'live' | 'stalled'): number;
  expireHistory(opts: { closeWatches: boolean }): number;
  restart(opts: { resetResourceVersion: boolean; downMs: number }): Promise<void>;
}

const REASONS: Record<number, string> = {
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class Faults {
  private rules: ActiveRule[] = [];
  private target: FaultTarget | undefined;
  /** Extra latency added to every request, real milliseconds. */
  latencyMs = 0;
  /** Requests answered by a fail rule so far. */
  injected = 0;

  attach(target: FaultTarget): void {
    this.target = target;
  }

  private need(): FaultTarget {
    if (!this.target) throw new Error('fault hooks need a running cluster');
    return this.target;
  }

  failNext(rule: FailRule): void {
    this.rules.push({ ...rule, left: rule.count ?? 1 });
  }

  clear(): void {
    this.rules = [];
    this.latencyMs = 0;
  }

  /** Called by the server for every request; returns the error to answer with, if any. */
  intercept(req: { method: string; path: string; watch: boolean }): StatusError | undefined {
    for (const r of this.rules) {
      if (r.left <= 0) continue;
      if (r.method && r.method.toUpperCase() !== req.method) continue;
      if (r.watch !== undefined && r.watch !== req.watch) continue;
      if (r.path !== undefined && !(typeof r.path === 'string' ? req.path.includes(r.path) : r.path.test(req.path))) continue;
      r.left--;
      this.rules = this.rules.filter((x) => x.left > 0);
      this.injected++;
      const retry = r.status === 429 || r.status === 503 ? (r.retryAfterSeconds ?? 1) : undefined;
      const message = r.status === 429 ? 'Too many requests, please try again later.' : `injected fault: HTTP ${r.status}`;
      return new StatusError({ code: r.status, reason: REASONS[r.status] ?? 'InternalError', message, details: retry === undefined ? undefined : { retryAfterSeconds: retry } });
    }
    return undefined;
  }

  /** Open watches go silent: no more events, no bookmarks, and no FIN. Returns how many. */
  dropWatches(): number {
    return this.need().dropWatches();
  }

  /** Every open connection (watches and keep-alive) is reset with an RST. */
  resetConnections(): number {
    return this.need().resetConnections();
  }

  /** Open watches stop delivering (events queue up) until resumeWatches(). */
  stallWatches(): number {
    return this.need().setWatchMode('stalled');
  }

  resumeWatches(): number {
    return this.need().setWatchMode('live');
  }

  /**
   * Forgets the event history: resuming from any earlier resourceVersion answers 410 Expired.
   * With closeWatches (default) open watches also get an ERROR 410 event and end.
   */
  expireHistory(opts: { closeWatches?: boolean } = {}): number {
    return this.need().expireHistory({ closeWatches: opts.closeWatches ?? true });
  }

  /**
   * Stops the HTTP server (dropping every connection), waits downMs, and serves again on the
   * same port. The objects survive (like etcd); with resetResourceVersion they are renumbered
   * from 1, so clients holding a newer version must relist.
   */
  restart(opts: { resetResourceVersion?: boolean; downMs?: number } = {}): Promise<void> {
    return this.need().restart({ resetResourceVersion: opts.resetResourceVersion ?? false, downMs: opts.downMs ?? 0 });
  }
}
