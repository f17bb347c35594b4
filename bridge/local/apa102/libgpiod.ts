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
  requestOutputMode(value?: number, consumer?: string): void;
  setValue(value: number): void;
  release(): void;
}
interface LibChip {
  getChipLabel(): string;
}
interface Lib {
  Chip: new (n: number) => LibChip;
  Line: new (chip: LibChip, offset: number) => LibLine;
  getChipNames?(): string[];
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
  const find = (): LibChip => {
    const names = lib.getChipNames?.() ?? [];
    const seen: string[] = [];
    for (const name of names) {
      const chip = new lib.Chip(chipNumber(name)!);
      const label = chip.getChipLabel();
      seen.push(`${name}=${label}`);
      if (PI_HEADER_CHIPS.includes(label)) return chip;
    }
    throw new Error(`no GPIO chip for the Pi's header pins among ${seen.join(', ') || 'none (is /dev/gpiochip* mounted?)'}; set chip`);
  };
  return {
    request(chip, offsets, consumer): GpioLineRequest {
      const n = chipNumber(chip);
      const c = n === undefined ? find() : new lib.Chip(n);
      const lines = new Map<number, LibLine>();
      for (const o of offsets) {
        const line = new lib.Line(c, o);
        line.requestOutputMode(0, consumer);
        lines.set(o, line);
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
