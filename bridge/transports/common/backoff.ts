// Retry timing for reconnects (MQTT broker, serial port that was unplugged): exponential backoff
// with jitter, so a fleet of bridges does not hammer a broker that just came back in lock-step.

export interface BackoffOptions {
  /** First delay, ms (default 500). */
  initialMs?: number;
  /** Ceiling, ms (default 10000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Fraction of the delay added at random, 0..1 (default 0.2). */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  /** When the pending retry fires (ms since epoch), for health details. */
  dueAt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 500;
    this.maxMs = options.maxMs ?? 10000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
  }

  /** The delay the next schedule() will use. */
  nextDelay(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    return Math.round(base * (1 + this.jitter * this.random()));
  }

  /** Runs `fn` after the next delay; a pending retry is replaced, never doubled. */
  schedule(fn: () => void): number {
    this.cancel();
    const delay = this.nextDelay();
    this.attempt += 1;
    this.dueAt = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      fn();
    }, delay);
    return delay;
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** After a success: the next failure starts from the initial delay again. */
  reset(): void {
    this.attempt = 0;
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
