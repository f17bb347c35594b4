// A log line per problem kind at most every `everyMs`, with the number of repeats suppressed in
// between: a board spewing garbage must not flood the bridge's log, yet nothing goes unsaid.

export type LogFn = (line: string) => void;

export class RateLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: LogFn,
    private readonly everyMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `line` unless a line of the same `key` went out less than `everyMs` ago. */
  say(key: string, line: string): void {
    const t = this.now();
    const entry = this.last.get(key);
    if (entry && t - entry.at < this.everyMs) {
      entry.suppressed += 1;
      return;
    }
    const more = entry && entry.suppressed > 0 ? ` (${entry.suppressed} more like it suppressed)` : '';
    this.last.set(key, { at: t, suppressed: 0 });
    this.log(line + more);
  }
}
