// `podlights boards`: the supported board profiles (boards/*.json), as a table or JSON.
import { allBoards } from '../../boards/index.ts';
import type { Command } from './main.ts';
import { table } from './table.ts';

export const boardsCommand: Command = {
  name: 'boards',
  summary: 'list the supported board profiles',
  async run(args) {
    if (args.includes('-h') || args.includes('--help')) {
      process.stdout.write('usage: podlights boards [--json] [--detect]\n\nLists the board profiles in boards/.\n  --detect  lists the boards and lights attached or on the LAN instead: serial ports (USB ids, the board they\n            look like, what runs on them, the profiles that fit), USB BlinkStick/blink(1), WLED (mDNS)\n');
      return 0;
    }
    const unknown = args.find((a) => !['--json', '--detect'].includes(a));
    if (unknown !== undefined) {
      process.stderr.write(`podlights boards: unknown ${unknown.startsWith('-') ? 'flag' : 'argument'} '${unknown}' (podlights boards --help)\n`);
      return 2;
    }
    if (args.includes('--detect')) {
      const { printDetectedLights } = await import('../local/detect.ts');
      const { detectSerialBoards, printSerialBoards } = await import('../flash/detect.ts');
      const write = (line: string) => process.stdout.write(`${line}\n`);
      if (args.includes('--json')) {
        // One JSON document: serial boards and local lights side by side.
        const serial = await detectSerialBoards();
        const lights = await printDetectedLights(() => undefined, { json: true });
        write(JSON.stringify({ serial, lights }, null, 2));
        return 0;
      }
      await printSerialBoards(write);
      write('');
      await printDetectedLights(write, { json: false });
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
    for (const line of table(rows)) process.stdout.write(`${line}\n`);
    return 0;
  },
};
