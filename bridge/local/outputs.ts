// From configuration to sinks: each board's `outputs` (bridge/config/schema.json) become the
// sinks of one local board, and `usbLights` turns every BlinkStick and blink(1) plugged in into
// a board of its own. The Blinkt defaults come from its board profile (boards/rpi-blinkt.json).
import type { BoardSettings, BoardViewSettings } from '../config/load.ts';
import type { Settings } from '../../firmware/core/settings.ts';
import { LAYOUT } from '../../protocol/index.ts';
import { Apa102GpioSink } from './apa102/gpio.ts';
import { Apa102SpiSink } from './apa102/spi.ts';
import { HidSink } from './hid/sink.ts';
import { WledSink } from './wled/sink.ts';
import type { PixelSink } from './sink.ts';
import type { LocalBoardSpec } from './transport.ts';

export type OutputType = 'blinkt' | 'apa102-gpio' | 'apa102-spi' | 'blinkstick' | 'blink1' | 'usb' | 'wled';

export interface OutputConfig {
  type: OutputType;
  /** GPIO: chip path or 'auto'; data and clock line offsets (BCM numbers on a Pi). */
  chip?: string;
  data?: number;
  clock?: number;
  /** SPI: /dev/spidevB.D and clock speed. */
  device?: string;
  speedHz?: number;
  /** USB: serial number (unset: the first one found). */
  serial?: string;
  /** WLED: host, DDP port, JSON API URL, keepalive. */
  host?: string;
  port?: number;
  httpUrl?: string;
  keepaliveMs?: number;
}

export interface LocalBoardSettings extends BoardSettings {
  outputs?: OutputConfig[];
}

/** The Blinkt's wiring and defaults (boards/rpi-blinkt.json). */
export const BLINKT = { data: 23, clock: 24, ledCount: 8, brightness: 64, profile: 'rpi-blinkt' } as const;

export function sinkFor(o: OutputConfig, where: string): PixelSink {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`${where}: output '${o.type}' needs '${what}'`);
    return v;
  };
  switch (o.type) {
    case 'blinkt':
      return new Apa102GpioSink({ name: 'blinkt', chip: o.chip, data: o.data ?? BLINKT.data, clock: o.clock ?? BLINKT.clock });
    case 'apa102-gpio':
      return new Apa102GpioSink({ chip: o.chip, data: need(o.data, 'data'), clock: need(o.clock, 'clock') });
    case 'apa102-spi':
      return new Apa102SpiSink({ device: o.device ?? '/dev/spidev0.0', speedHz: o.speedHz });
    case 'blinkstick':
    case 'blink1':
      return new HidSink({ kind: o.type, serial: o.serial });
    case 'usb':
      return new HidSink({ serial: o.serial });
    case 'wled':
      return new WledSink({ host: need(o.host, 'host'), port: o.port, httpUrl: o.httpUrl, keepaliveMs: o.keepaliveMs });
  }
}

const LAYOUTS: Record<string, number> = { compact: LAYOUT.COMPACT, grouped: LAYOUT.GROUPED, stable: LAYOUT.STABLE };

/** The core settings a board profile would bake in; the bridge's CONFIG message overrides them. */
export function coreSettings(b: BoardViewSettings): Partial<Settings> {
  const s: Partial<Settings> = { brightness: b.brightness, layout: LAYOUTS[b.layout] ?? LAYOUT.COMPACT, currentCap: b.currentCap ?? 0 };
  if (b.fps) s.fps = b.fps;
  return s;
}

/** One local board per configured board with outputs. */
export function localBoardSpecs(boards: LocalBoardSettings[]): LocalBoardSpec[] {
  return boards
    .filter((b) => (b.outputs ?? []).length > 0)
    .map((b) => {
      const blinkt = b.outputs!.some((o) => o.type === 'blinkt');
      return {
        boardId: b.id,
        profile: b.profile ?? (blinkt ? BLINKT.profile : `local-${b.outputs![0].type}`),
        ledCount: b.ledCount ?? (blinkt ? BLINKT.ledCount : undefined),
        settings: coreSettings(b),
        sinks: b.outputs!.map((o, i) => sinkFor(o, `boards.${b.id}.outputs.${i}`)),
      };
    });
}

/** Local boards reach the link through the 'local' transport from the start. */
export function routeLocalBoards<T extends LocalBoardSettings>(boards: T[]): T[] {
  return boards.map((b) => ((b.outputs ?? []).length > 0 ? { ...b, transport: 'local' } : b));
}
