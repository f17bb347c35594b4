// GpioLines on node-libgpiod (an optional dependency: it compiles against the system's libgpiod,
// `apt install libgpiod-dev` first). The chip is found by its label, not its number: on a Pi 5
// the header pins moved to the RP1's chip, whose number changed between kernels, which is what
// broke the libraries that used sysfs GPIO numbers.
import { createRequire } from 'node:module';
import type { GpioLineRequest, GpioLines } from './gpio.ts';

const require = createRequire(import.meta.url);

/** Labels of the chips that carry the 40-pin header's GPIO0-27 (Pi 5, Pi 4, Pi 3 and older). */
export const PI_HEADER_CHIPS = ['pinctrl-rp1', 'pinctrl-bcm2712', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

interface LibLine {
  requestOutputMode(consumer?: string, defaultValue?: number): void;
  setValue(value: number): void;
  release(): void;
}
interface LibChip {
  readonly label: string;
}
interface Lib {
  /** gpiod_chip_open_lookup: a path, a name, a number or a label. */
  Chip: new (identifier: string) => LibChip;
  Line: new (chip: LibChip, offset: number) => LibLine;
}

function load(): Lib {
  try {
    return require('node-libgpiod') as Lib;
  } catch (err) {
    throw new Error(`GPIO needs the optional package node-libgpiod (apt install libgpiod-dev, then npm install node-libgpiod): ${(err as Error).message.split('\n')[0]}`);
  }
}

/** 'gpiochip4', '/dev/gpiochip4' or '4' to a chip number; undefined for 'auto'. */
export function chipNumber(chip: string): number | undefined {
  if (chip === 'auto') return undefined;
  const m = /^(?:\/dev\/)?(?:gpiochip)?(\d+)$/.exec(chip);
  if (!m) throw new Error(`GPIO chip '${chip}' is not a /dev/gpiochipN path, a number or 'auto'`);
  return Number(m[1]);
}

export function libgpiodLines(): GpioLines {
  const lib = load();
  const open = (chip: string): LibChip => {
    const n = chipNumber(chip);
    if (n !== undefined) {
      try {
        return new lib.Chip(`gpiochip${n}`);
      } catch (err) {
        throw new Error(`cannot open /dev/gpiochip${n}: ${(err as Error).message}`);
      }
    }
    // The header's chip by label: the same name on every kernel, whatever its number.
    for (const label of PI_HEADER_CHIPS) {
      try {
        return new lib.Chip(label);
      } catch {
        // Not this Pi generation's chip: try the next label.
      }
    }
    throw new Error(`no GPIO chip of a Raspberry Pi header (${PI_HEADER_CHIPS.join(', ')}): is /dev/gpiochip* in the container? Set chip to /dev/gpiochipN otherwise`);
  };
  return {
    request(chip, offsets, consumer): GpioLineRequest {
      const c = open(chip);
      const lines = new Map<number, LibLine>();
      try {
        for (const o of offsets) {
          const line = new lib.Line(c, o);
          line.requestOutputMode(consumer, 0);
          lines.set(o, line);
        }
      } catch (err) {
        for (const l of lines.values()) l.release();
        throw new Error(`cannot request GPIO lines ${offsets.join(', ')} of ${c.label}: ${(err as Error).message}`);
      }
      return {
        set: (offset, value) => lines.get(offset)!.setValue(value),
        release: () => {
          for (const l of lines.values()) l.release();
        },
      };
    },
  };
}
