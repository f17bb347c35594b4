// The podlights command line: one table of subcommands, each in its own module, loaded only
// when used so `podlights --help` stays instant.
import { readFileSync } from 'node:fs';

export interface Command {
  name: string;
  summary: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

type CommandLoader = () => Promise<Command>;

const commands: Record<string, { summary: string; load: CommandLoader }> = {
  bridge: {
    summary: 'watch Kubernetes and drive LED boards over MQTT or USB serial',
    load: async () => (await import('./bridge.ts')).bridgeCommand,
  },
  boards: {
    summary: 'list the supported board profiles',
    load: async () => (await import('./boards.ts')).boardsCommand,
  },
  demo: {
    summary: 'the whole chain on one laptop: simulated clusters, bridge, virtual boards, web page (npm start)',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  flash: {
    summary: 'build, upload and start the firmware on a board over USB serial, with its settings',
    load: async () => (await import('./flash.ts')).flashCommand,
  },
  provision: {
    summary: 'write WiFi, broker and board id to a board (no rebuild), restart it',
    load: async () => (await import('./provision.ts')).provisionCommand,
  },
  decode: {
    summary: 'decode protocol v1 frames given as hex (arguments or stdin lines) and print them as JSON',
    load: async () => (await import('./decode.ts')).decodeCommand,
  },
  sim: {
    summary: 'serve simulated Kubernetes clusters (eu, us) with a kubeconfig; play demo scenarios',
    load: async () => (await import('./sim.ts')).simCommand,
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'podlights: see a Kubernetes cluster on LED strips',
    '',
    'usage: podlights <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'options:',
    '  -h, --help     show this help (or `podlights <command> --help`)',
    '  -v, --version  print the version',
    '',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(usage());
    return first === undefined ? 2 : 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = commands[first];
  if (!entry) {
    process.stderr.write(`podlights: unknown command '${first}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest);
}
