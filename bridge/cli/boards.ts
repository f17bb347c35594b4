// `podlights boards`: the supported board profiles (boards/*.json), as a table or JSON.
import { allBoards } from '../../boards/index.ts';
import type { Command } from './main.ts';

export const boardsCommand: Command = {
  name: 'boards',
  summary: 'list the supported board profiles',
  async run(args) {
    if (args.includes('-h') || args.includes('--help')) {
      process.stdout.write('usage: podlights boards [--json] [--detect]\n\nLists the board profiles in boards/.\n  --detect  lists the lights attached or on the LAN instead: USB BlinkStick/blink(1), WLED (mDNS)\n');
      return 0;
    }
    if (args.includes('--detect')) {
      const { printDetectedLights } = await import('../local/detect.ts');
      await printDetectedLights((line) => process.stdout.write(`${line}\n`), { json: args.includes('--json') });
      return 0;
    }
    const boards = allBoards();
    if (args.includes('--json')) {
      process.stdout.write(`${JSON.stringify(boards, null, 2)}\n`);
      return 0;
    }
    const rows = [
      ['profile', 'runtime', 'chip', 'LEDs', 'transport', 'layout', 'fps', 'mA'],
      ...boards.map((b) => [b.name, b.runtime, b.chip, String(b.ledCount), b.transport, b.layout, String(b.fps), String(b.currentCap)]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
    return 0;
  },
};
