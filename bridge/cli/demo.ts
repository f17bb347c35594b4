// `podlights demo` (`npm start`): simulated clusters, the bridge with its embedded broker,
// virtual boards running the real firmware, and a web page (or the terminal) showing the strips.
// One process; Ctrl-C (SIGINT) or SIGTERM stops everything and exits 0.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { portFree } from '../demo/ports.ts';
import { findScenario } from '../sim/scenarios/index.ts';
import type { Command } from './main.ts';

const DEFAULT_WEB_PORT = 8080;
const DEFAULT_BROKER_PORT = 1883;

const HELP = `usage: podlights demo [options]

Runs the whole chain on this machine: two simulated clusters (eu: amd64 + arm64 nodes, us),
the bridge with its embedded MQTT broker, and virtual boards running the real firmware (one
per node, one overview per cluster, one with eu and us side by side), shown on a web page.

options:
  --port P              web page port (default ${DEFAULT_WEB_PORT}, or a free one if taken; 0 = free)
  --no-web              draw the strips in this terminal instead (keys play the stories)
  --speed X             simulated time runs X times faster (default 1)
  --scenario NAME       play a story right away (see podlights sim --list-scenarios)
  --kubeconfig FILE     where to write the kubeconfig (default: ${join(tmpdir(), 'podlights-demo.kubeconfig')})
  --broker-port P       embedded MQTT broker port (default ${DEFAULT_BROKER_PORT}, or a free one if taken)
  --broker-host H       broker address; 0.0.0.0 lets boards on your network in (default 127.0.0.1)
  --board-password S    password of the boards (default: $PODLIGHTS_BROKER_BOARD_PASSWORD or random)
  --serial PATH         a real board on a USB serial port; repeat for several
  --ops-port P          bridge operations endpoints /healthz /metrics /boards (default: a free port)
  --verbose             print the bridge's log lines on stderr
  -h, --help            show this help
`;

function fail(message: string): number {
  process.stderr.write(`podlights demo: ${message}\n`);
  return 2;
}

function portArg(value: string | undefined, name: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : `${name} must be a port number, got '${value}'`;
}

async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        'no-web': { type: 'boolean', default: false },
        speed: { type: 'string', default: '1' },
        scenario: { type: 'string' },
        kubeconfig: { type: 'string' },
        'broker-port': { type: 'string' },
        'broker-host': { type: 'string', default: '127.0.0.1' },
        'board-password': { type: 'string' },
        serial: { type: 'string', multiple: true },
        'ops-port': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    return fail(`${(err as Error).message} (see podlights demo --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const speed = Number(values.speed);
  if (!(speed > 0 && speed <= 1000)) return fail(`--speed must be a number above 0, got '${values.speed}'`);
  const webPort = portArg(values.port, '--port', DEFAULT_WEB_PORT);
  const brokerPortArg = portArg(values['broker-port'], '--broker-port', DEFAULT_BROKER_PORT);
  const opsPort = portArg(values['ops-port'], '--ops-port', 0);
  for (const p of [webPort, brokerPortArg, opsPort]) if (typeof p === 'string') return fail(p);
  if (values.scenario && !findScenario(values.scenario)) return fail(`unknown scenario '${values.scenario}' (see podlights sim --list-scenarios)`);
  const brokerHost = values['broker-host']!;
  let brokerPort = brokerPortArg as number;
  if (values['broker-port'] === undefined && !(await portFree(brokerHost, brokerPort))) brokerPort = 0;

  const out = (line: string) => process.stdout.write(`podlights demo: ${line}\n`);
  const kubeconfig = resolve(values.kubeconfig ?? join(tmpdir(), 'podlights-demo.kubeconfig'));
  // Loaded only now, so a mistyped option is answered at once.
  const [{ Demo }, { R }] = await Promise.all([import('../demo/demo.ts'), import('../sim/resources.ts')]);
  const demo = new Demo({
    speed,
    kubeconfig,
    brokerPort,
    brokerHost,
    boardPassword: values['board-password'] ?? process.env.PODLIGHTS_BROKER_BOARD_PASSWORD,
    serial: values.serial,
    opsPort: opsPort as number,
    log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });

  // Signals from here on stop the demo cleanly, even halfway through starting.
  let quit: () => void = () => {};
  const stopped = new Promise<string>((res) => {
    quit = () => res('quit');
    process.once('SIGINT', () => res('SIGINT'));
    process.once('SIGTERM', () => res('SIGTERM'));
  });

  let web: import('../demo/server.ts').WebServer | undefined;
  let view: import('../demo/terminal.ts').TerminalView | undefined;
  const stopAll = async () => {
    view?.stop();
    await web?.stop();
    await demo.stop();
  };
  try {
    const starting = demo.start();
    const first = await Promise.race([starting.then(() => ''), stopped]);
    if (first) {
      await starting.catch(() => {});
      await stopAll();
      return 0;
    }
    const header: string[] = [];
    for (const c of demo.fleet.clusters) {
      const archs = c.store.list(R.nodes).map((n) => n.metadata.labels?.['kubernetes.io/arch'] ?? '?');
      const counts = [...new Set(archs)].map((a) => `${archs.filter((x) => x === a).length} ${a}`).join(', ');
      header.push(`cluster ${c.name}: ${archs.length} nodes (${counts}) at ${c.url}`);
    }
    header.push(`kubeconfig ${kubeconfig}`, `  try: kubectl --kubeconfig ${kubeconfig} --context eu get pods -A -w`);
    header.push(`MQTT broker ${demo.brokerUrl} (boards: username = board id, password ${demo.boardPassword})`);
    if (demo.bridge?.ops) header.push(`bridge operations http://127.0.0.1:${demo.bridge.ops.port}/boards`);
    header.push(`${demo.strips.length} virtual boards connected${speed !== 1 ? `; simulated time x${speed}` : ''}`);
    if (values['no-web']) {
      const { TerminalView } = await import('../demo/terminal.ts');
      view = new TerminalView({ demo, out: process.stdout, input: process.stdin, header: header.map((l) => `podlights demo: ${l}`), onQuit: () => quit() });
      view.start();
    } else {
      const [{ buildAssets }, { WebServer }] = await Promise.all([import('../demo/assets.ts'), import('../demo/server.ts')]);
      web = new WebServer({ demo, assets: await buildAssets(), port: webPort as number, fallback: values.port === undefined });
      await web.start();
      for (const l of header) out(l);
      out(`open ${web.url}`);
    }
    if (!view?.tty) out('ready; Ctrl-C to stop');
    if (values.scenario) await demo.scenarios.play(values.scenario);
  } catch (err) {
    await stopAll().catch(() => {});
    process.stderr.write(`podlights demo: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  const why = await stopped;
  if (!view) out(`${why}, stopping`);
  await stopAll();
  // Everything is closed; should a library leave a stray handle, do not hang the terminal.
  setTimeout(() => process.exit(0), 2000).unref();
  return 0;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the whole chain on one laptop: simulated clusters, bridge, virtual boards, web page (npm start)',
  run,
};
