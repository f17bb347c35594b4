// A log line per problem kind at most every `everyMs`, with the number of repeats suppressed in
// between: a board spewing garbage must not flood the bridge's log, yet nothing goes unsaid.
// Keys often carry what a client sent (a client id, a board id), so the map is bounded: past
// `maxKeys` the oldest key is forgotten (its suppressed count is carried by an overflow line),
// and `clip()` keeps what a client chose from growing a log line without limit.

export type LogFn = (line: string) => void;

export interface RateLogOptions {
  everyMs?: number;
  /** Distinct keys remembered at most (default 256). */
  maxKeys?: number;
  /** Lines at most per `everyMs` over all keys (default 30): many keys must not flood either. */
  maxLines?: number;
  now?: () => number;
}

export class RateLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  private readonly everyMs: number;
  private readonly maxKeys: number;
  private readonly maxLines: number;
  private readonly now: () => number;
  private windowStart = -Infinity;
  private windowLines = 0;
  private windowSuppressed = 0;
  /** Repeats not logged, over all keys (forgotten keys included). */
  suppressed = 0;

  constructor(
    private readonly log: LogFn,
    options: RateLogOptions | number = {},
    now?: () => number,
  ) {
    const o = typeof options === 'number' ? { everyMs: options, now } : options;
    this.everyMs = o.everyMs ?? 5000;
    this.maxKeys = o.maxKeys ?? 256;
    this.maxLines = o.maxLines ?? 30;
    this.now = o.now ?? Date.now;
  }

  /** Logs `line` unless a line of the same `key` went out less than `everyMs` ago. */
  say(key: string, line: string): void {
    const t = this.now();
    const entry = this.last.get(key);
    if (entry && t - entry.at < this.everyMs) {
      entry.suppressed += 1;
      this.suppressed += 1;
      return;
    }
    if (t - this.windowStart >= this.everyMs) {
      if (this.windowSuppressed > 0) this.log(`(${this.windowSuppressed} log lines of many kinds suppressed in ${this.everyMs} ms)`);
      this.windowStart = t;
      this.windowLines = 0;
      this.windowSuppressed = 0;
    }
    if (this.windowLines >= this.maxLines) {
      this.windowSuppressed += 1;
      this.suppressed += 1;
      return;
    }
    this.windowLines += 1;
    const more = entry && entry.suppressed > 0 ? ` (${entry.suppressed} more like it suppressed)` : '';
    if (entry) this.last.delete(key); // re-inserted below: the map's order is the age order
    this.last.set(key, { at: t, suppressed: 0 });
    while (this.last.size > this.maxKeys) {
      const oldest = this.last.keys().next().value as string;
      this.last.delete(oldest);
    }
    this.log(line + more);
  }

  /** How many keys are remembered (tests: bounded whatever clients send). */
  get size(): number {
    return this.last.size;
  }
}

/**
 * A client-chosen string made safe for one log line: control characters escaped, cut to `max`
 * characters with the original length said.
 */
export function clip(value: string | undefined, max = 64): string {
  if (value === undefined) return '(none)';
  const head = value.length > max ? value.slice(0, max) : value;
  const safe = JSON.stringify(head).slice(1, -1);
  return value.length > max ? `${safe}...(${value.length} chars)` : safe;
}
