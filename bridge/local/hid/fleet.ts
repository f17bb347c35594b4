// `--blinkstick` with no serial: every BlinkStick and blink(1) on the bus becomes a board of its
// own (id from its serial, LED count from its model), added when it is plugged in and removed
// when it is pulled out, so the link sees it come and go like any board. Each shows all the
// selected pods.
import type { HidBackend } from './backend.ts';
import { nodeHid } from './backend.ts';
import type { HidKind } from './devices.ts';
import { findLights, HidSink } from './sink.ts';
import type { LocalBoardSpec } from '../transport.ts';
import type { Settings } from '../../../firmware/core/settings.ts';

export interface HidFleetOptions {
  kinds?: HidKind[];
  backend?: HidBackend;
  scanMs?: number;
  settings?: Partial<Settings>;
  /** Serial numbers a configured board already drives: not a second board for them. */
  exclude?: string[];
  /** The transport's add/remove. */
  add(spec: LocalBoardSpec): Promise<void>;
  remove(boardId: string): Promise<void>;
}

/** A board id from a serial: lower case, only characters valid in MQTT topics and the config. */
export function hidBoardId(kind: HidKind, serial: string): string {
  return `${kind}-${serial.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`.slice(0, 64);
}

export class HidFleet {
  private timer: NodeJS.Timeout | undefined;
  private readonly present = new Set<string>();
  private scanning = false;

  constructor(private readonly options: HidFleetOptions) {}

  async start(): Promise<void> {
    await this.scan();
    this.timer = setInterval(() => void this.scan(), this.options.scanMs ?? 1000);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async scan(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      await this.scanOnce();
    } catch (err) {
      // node-hid missing or the bus unreadable: count it, try again next time.
      this.errors++;
      this.lastError = (err as Error).message;
    } finally {
      this.scanning = false;
    }
  }

  /** Scans that failed (node-hid missing, the bus unreadable), and why the last one did. */
  errors = 0;
  lastError = '';

  private async scanOnce(): Promise<void> {
    const backend = this.options.backend ?? nodeHid();
    const kinds = this.options.kinds ?? ['blinkstick', 'blink1'];
    const exclude = this.options.exclude ?? [];
    const now = new Map<string, { kind: HidKind; serial: string }>();
    for (const l of findLights(backend)) if (kinds.includes(l.kind) && l.serial && !exclude.includes(l.serial)) now.set(hidBoardId(l.kind, l.serial), l);
    for (const [id, l] of now) {
      if (this.present.has(id)) continue;
      this.present.add(id);
      const sink = new HidSink({ kind: l.kind, serial: l.serial, backend });
      await this.options.add({ boardId: id, profile: `usb-${l.kind}`, settings: this.options.settings, sinks: [sink] });
    }
    for (const id of [...this.present]) {
      if (now.has(id)) continue;
      this.present.delete(id);
      await this.options.remove(id);
    }
  }
}
