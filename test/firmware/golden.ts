// Golden files: the harness output of each trace (pixels at each sample as hex, upstream frames,
// counters), with an ASCII rendering under every sample so a reviewer can read the strip.
// Regenerate with `node bin/run.js test/firmware/update-golden.ts` (from the virtual target) and
// review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { asciiStrip } from '../../firmware/targets/virtual/ascii.ts';
import type { Trace } from './traces.ts';

export const goldenPath = (name: string) => new URL(`./golden/${name}.txt`, import.meta.url);

/** The ASCII line for a sample line `t=<ms> <hex> ma=<n>`. */
function render(line: string): string {
  const hex = line.split(' ')[1];
  return '    |' + asciiStrip(Buffer.from(hex, 'hex')) + '|';
}

export function goldenText(trace: Trace, output: string): string {
  const lines = [`# ${trace.name}: ${trace.story}`, `# leds=${trace.ledCount} layout=${trace.layout} stream=${trace.stream}`];
  lines.push('# legend: . off, r red, o orange, y yellow, g green, c cyan, b blue, m magenta, w white; UPPER = bright');
  for (const line of output.split('\n')) {
    lines.push(line);
    if (line.startsWith('t=')) lines.push(render(line));
  }
  return lines.join('\n') + '\n';
}

/** The harness output a golden file holds (comments and renderings dropped). */
export function readGolden(name: string): string {
  return readFileSync(goldenPath(name), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('    |'))
    .join('\n');
}

export function writeGolden(trace: Trace, output: string): void {
  writeFileSync(goldenPath(trace.name), goldenText(trace, output));
}
