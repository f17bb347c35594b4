// One USB light (a BlinkStick or a blink(1)), chosen by serial number or, without one, the first
// of its kind found. Hot-plug: a write to a device that went away is counted (`vanished`), the
// handle dropped, and the bus rescanned every rescanMs until the same serial is back; then the
// last frame is written at once, so an unplug and replug converges without a restart.
import { counters } from '../sink.ts';
import type { PixelSink, SinkHealth } from '../sink.ts';
import { identify } from './devices.ts';
import type { HidKind, HidLight } from './devices.ts';
import { nodeHid } from './backend.ts';
import type { HidBackend, HidHandle } from './backend.ts';
import { reportsFor } from './reports.ts';

export interface HidSinkOptions {
  /** BlinkStick or blink(1); unset: either (a serial number is enough to tell). */
  kind?: HidKind;
  /** Serial number; unset: the first device of this kind. */
  serial?: string;
  backend?: HidBackend;
  /** How often to look for the device while it is missing, ms (default 1000). */
  rescanMs?: number;
}

const COUNTER_NAMES = ['frames', 'reports', 'opens', 'openFailures', 'vanished', 'rescans'] as const;

/** Lights of one kind on the bus right now. */
export function findLights(backend: HidBackend, kind?: HidKind): HidLight[] {
  const out: HidLight[] = [];
  for (const d of backend.devices()) {
    const light = identify(d);
    if (light && (kind === undefined || light.kind === kind) && light.path) out.push(light);
  }
  return out;
}

export class HidSink implements PixelSink {
  readonly name: string;
  private backend: HidBackend | undefined;
  private handle: HidHandle | undefined;
  private light: HidLight | undefined;
  private last: Uint8Array | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private error = '';
  readonly counters = counters(COUNTER_NAMES);

  constructor(private readonly options: HidSinkOptions) {
    this.name = `${options.kind ?? 'usb'}:${options.serial ?? 'first'}`;
  }

  async open(): Promise<number | undefined> {
    this.closed = false;
    this.backend ??= this.options.backend ?? nodeHid();
    this.connect();
    if (!this.handle) this.watch();
    return this.light?.ledCount;
  }

  write(pixels: Uint8Array): void {
    this.last = Uint8Array.from(pixels);
    if (!this.handle || !this.light) return;
    try {
      for (const report of reportsFor(this.light, pixels)) {
        this.handle.sendFeatureReport(report);
        this.counters.reports++;
      }
      this.counters.frames++;
    } catch (err) {
      // Unplugged (or the device reset): count it, let go, look for it again.
      this.counters.vanished++;
      this.error = `vanished: ${(err as Error).message}`;
      this.drop();
      this.watch();
    }
  }

  /** Turns the light off, then lets go: a stopped bridge must not leave a stale state lit. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.handle && this.light && this.last) this.write(new Uint8Array(this.last.length));
    this.drop();
  }

  health(): SinkHealth {
    const what = this.light ? `${this.light.model} ${this.light.serial}` : `${this.options.kind ?? 'usb light'} ${this.options.serial ?? '(any)'}`;
    return {
      name: this.name,
      state: this.closed ? 'stopped' : this.handle ? 'up' : 'down',
      detail: `${what}${this.handle ? '' : ': not connected'}${this.error ? ` (${this.error})` : ''}`,
      counters: { ...this.counters },
    };
  }

  private connect(): void {
    if (this.handle || !this.backend) return;
    const found = findLights(this.backend, this.options.kind).find((l) => this.options.serial === undefined || l.serial === this.options.serial);
    if (!found) return;
    try {
      this.handle = this.backend.open(found.path!);
      this.light = found;
      this.counters.opens++;
      this.error = '';
    } catch (err) {
      // Busy or no permission (udev rule missing): say so and retry.
      this.counters.openFailures++;
      this.error = `cannot open ${found.path}: ${(err as Error).message}`;
    }
  }

  private drop(): void {
    const h = this.handle;
    this.handle = undefined;
    try {
      h?.close();
    } catch {
      // Closing a device that is gone: nothing to release.
    }
  }

  private watch(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      this.counters.rescans++;
      this.connect();
      if (!this.handle) return;
      clearInterval(this.timer);
      this.timer = undefined;
      if (this.last) this.write(this.last);
    }, this.options.rescanMs ?? 1000);
    this.timer.unref?.();
  }
}
