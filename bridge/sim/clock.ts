// Simulated time. Durations inside the simulator (container start, readiness, grace periods,
// crash back-off, scenario pauses) are simulated milliseconds; the clock maps them to real time
// by `speed`. Timestamps written into objects stay wall-clock, so `kubectl get` ages make sense.
//
// ScaledClock runs on real timers (demo: speed 1, tests: speed 20+). ManualClock only moves when
// a test calls advance(), which makes step-by-step checks (the rollout arithmetic) exact.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  readonly speed: number;
  /** Simulated milliseconds since the clock started; monotonic. */
  now(): number;
  /** Milliseconds since the epoch for timestamps in objects. */
  wallNow(): number;
  setTimer(simMs: number, fn: () => void): Timer;
  /** Resolves after simMs of simulated time; rejects with an AbortError if the signal fires. */
  sleep(simMs: number, signal?: AbortSignal): Promise<void>;
  /** Called after every timer that fires (the cluster settles its controllers there). */
  onTick(fn: () => void): () => void;
  /** Cancels every pending timer; the clock cannot be used afterwards. */
  stop(): void;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('the operation was aborted');
  err.name = 'AbortError';
  return err;
}

abstract class BaseClock implements Clock {
  abstract readonly speed: number;
  protected tickHooks = new Set<() => void>();
  protected stopped = false;

  abstract now(): number;
  abstract wallNow(): number;
  abstract setTimer(simMs: number, fn: () => void): Timer;
  abstract stop(): void;

  onTick(fn: () => void): () => void {
    this.tickHooks.add(fn);
    return () => this.tickHooks.delete(fn);
  }

  protected tick(): void {
    for (const fn of this.tickHooks) fn();
  }

  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = () => {
        timer.cancel();
        reject(abortError(signal as AbortSignal));
      };
      const timer = this.setTimer(simMs, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export class ScaledClock extends BaseClock {
  readonly speed: number;
  private readonly started = performance.now();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(speed = 1) {
    super();
    if (!(speed > 0)) throw new Error(`speed must be positive, got ${speed}`);
    this.speed = speed;
  }

  now(): number {
    return (performance.now() - this.started) * this.speed;
  }

  wallNow(): number {
    return Date.now();
  }

  setTimer(simMs: number, fn: () => void): Timer {
    if (this.stopped) return { cancel() {} };
    const handle = setTimeout(() => {
      this.timers.delete(handle);
      fn();
      this.tick();
    }, Math.max(0, simMs / this.speed));
    this.timers.add(handle);
    return { cancel: () => { clearTimeout(handle); this.timers.delete(handle); } };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

interface ManualTimer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class ManualClock extends BaseClock {
  readonly speed = 1;
  private current = 0;
  private seq = 0;
  private pending: ManualTimer[] = [];
  private readonly wallStart: number;

  constructor(wallStart = Date.UTC(2025, 0, 1)) {
    super();
    this.wallStart = wallStart;
  }

  now(): number {
    return this.current;
  }

  wallNow(): number {
    return this.wallStart + this.current;
  }

  setTimer(simMs: number, fn: () => void): Timer {
    const t: ManualTimer = { due: this.current + Math.max(0, simMs), seq: this.seq++, fn, cancelled: false };
    if (!this.stopped) this.pending.push(t);
    return { cancel: () => { t.cancelled = true; } };
  }

  /** Fires, in time order, every timer due within the next simMs, settling after each one. */
  advance(simMs: number): void {
    const end = this.current + simMs;
    for (;;) {
      this.pending = this.pending.filter((t) => !t.cancelled);
      let next: ManualTimer | undefined;
      for (const t of this.pending) if (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq)) next = t;
      if (!next || next.due > end) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.current = next.due;
      next.fn();
      this.tick();
    }
    this.current = end;
  }

  /** Time of the next pending timer, if any: lets a test jump straight to the next event. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const t of this.pending) if (!t.cancelled && (due === undefined || t.due < due)) due = t.due;
    return due;
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
  }
}
