// `podlights demo` (`npm start`): simulated clusters, the bridge with its embedded broker,
// virtual boards running the real firmware, and a web page (or the terminal) showing the strips.
// One process; Ctrl-C (SIGINT) or SIGTERM stops everything and exits 0.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizeOptionalFlags } from '../local/flags.ts';
import { claimKubeconfig, KubeconfigInUse } from '../demo/kubeconfig-claim.ts';
import type { KubeconfigClaim } from '../demo/kubeconfig-claim.ts';
import { portFree } from '../demo/ports.ts';
import { describePortInUse } from './port-holder.ts';
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
  --kubeconfig FILE     where to write the kubeconfig (default: ${join(tmpdir(), 'podlights-demo.kubeconfig')},
                        or one of its own while another demo runs; removed on exit)
  --broker-port P       embedded MQTT broker port (default ${DEFAULT_BROKER_PORT}, or a free one if taken)
  --broker-host H       broker address; 0.0.0.0 lets boards on your network in (default 127.0.0.1)
  --board-password S    password of the boards (default: $PODLIGHTS_BROKER_BOARD_PASSWORD or random)
  --serial PATH         a real board on a USB serial port; repeat for several
  --wled HOST[:PORT]    a WLED strip on your network, driven by the bridge (DDP); repeat
  --blinkstick [SERIAL] a USB BlinkStick or blink(1); alone: every one plugged in
  --blinkt              a Blinkt on this Raspberry Pi's GPIO header
  --ops-port P          bridge operations endpoints /healthz /metrics /boards (default: a free port)
  --verbose             print the bridge's log lines on stderr
  -h, --help            show this help
`;

function fail(message: string): number {
  process.stderr.write(`podlights demo: ${message}\n`);
  return 2;
}

/** Serial ports present on this machine, for the hint after a wrong --serial path. */
function serialCandidates(): string[] {
  const found: string[] = [];
  try {
    for (const n of readdirSync('/dev/serial/by-id')) found.push(`/dev/serial/by-id/${n}`);
  } catch {
    // none plugged in, or not Linux
  }
  try {
    for (const n of readdirSync('/dev')) if (/^(ttyUSB|ttyACM|cu\.usb|tty\.usb)/.test(n)) found.push(`/dev/${n}`);
  } catch {
    // no /dev (Windows): COM ports cannot be listed this way
  }
  return found;
}

/** One line that says what failed and what to do about it. */
function startProblem(err: unknown, ports: { broker: number; web: number; ops: number }): string {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE' && e.port !== undefined) {
    const inUse = describePortInUse(e.port);
    if (e.port === ports.broker) return `the MQTT broker's ${inUse}: choose another with --broker-port P (0 = any free port)`;
    if (e.port === ports.web) return `the web page's ${inUse}: choose another with --port P (0 = any free port)`;
    if (e.port === ports.ops) return `the operations endpoint's ${inUse}: choose another with --ops-port P (0 = any free port)`;
    return `${inUse}: ${e.message}`;
  }
  if (e.code === 'EACCES' && e.port !== undefined) return `no permission to listen on port ${e.port} (ports below 1024 need privileges): choose another port`;
  return e.message ?? String(err);
}

/**
 * The exit code, with a guard: whatever a library left open after a failed start (aedes keeps
 * timers when its listen fails) must not keep the process alive, silently holding the terminal.
 */
function exitSoon(code: number): number {
  setTimeout(() => process.exit(code), 300).unref();
  return code;
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
      args: normalizeOptionalFlags(args),
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
        wled: { type: 'string', multiple: true },
        blinkstick: { type: 'string', multiple: true },
        blinkt: { type: 'boolean' },
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
  for (const path of values.serial ?? []) {
    if (existsSync(path)) continue;
    const candidates = serialCandidates();
    return fail(`--serial ${path}: no such port (${candidates.length ? `present: ${candidates.join(', ')}` : 'no USB serial port is plugged in'})`);
  }
  const brokerHost = values['broker-host']!;
  let brokerPort = brokerPortArg as number;
  // Loud, not silent: boards flashed for 1883 will not find a broker that moved elsewhere.
  const warnings: string[] = [];
  let brokerBusy = '';
  if (values['broker-port'] === undefined && !(await portFree(brokerHost, brokerPort))) {
    brokerBusy = describePortInUse(brokerPort);
    brokerPort = 0;
  }

  const out = (line: string) => process.stdout.write(`podlights demo: ${line}\n`);
  let claim: KubeconfigClaim;
  try {
    claim = claimKubeconfig(resolve(values.kubeconfig ?? join(tmpdir(), 'podlights-demo.kubeconfig')), { explicit: values.kubeconfig !== undefined });
  } catch (err) {
    if (err instanceof KubeconfigInUse) return fail(err.message);
    return fail(`cannot write the kubeconfig: ${(err as Error).message}`);
  }
  const kubeconfig = claim.path;
  if (claim.movedFrom) warnings.push(`another demo (pid ${claim.movedFrom.pid}) is running with ${claim.movedFrom.path}; this one's kubeconfig is ${kubeconfig}`);
  // Loaded only now, so a mistyped option is answered at once.
  const [{ Demo }, { R }, { levelOf }] = await Promise.all([import('../demo/demo.ts'), import('../sim/resources.ts'), import('../log.ts')]);
  let web: import('../demo/server.ts').WebServer | undefined;
  let view: import('../demo/terminal.ts').TerminalView | undefined;
  const demo = new Demo({
    speed,
    kubeconfig,
    brokerPort,
    brokerHost,
    boardPassword: values['board-password'] ?? process.env.PODLIGHTS_BROKER_BOARD_PASSWORD,
    serial: values.serial,
    local: { wled: values.wled, blinkstick: values.blinkstick, blinkt: values.blinkt },
    opsPort: opsPort as number,
    // Problems (a serial port that cannot be opened...) are shown without --verbose too; the
    // terminal view draws them in its live log instead, stderr would tear its screen.
    log: (line) => {
      if (values.verbose || (levelOf(line) === 'warn' && !view?.tty)) process.stderr.write(`${line}\n`);
    },
  });

  // Signals from here on stop the demo cleanly, even halfway through starting.
  let quit: () => void = () => {};
  let onSignal: (signal: string) => void = () => {};
  const stopped = new Promise<string>((res) => {
    quit = () => res('quit');
    onSignal = res;
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const stopAll = async () => {
    view?.stop();
    await web?.stop();
    await demo.stop();
    claim.release();
  };
  try {
    const starting = demo.start();
    const first = await Promise.race([starting.then(() => ''), stopped]);
    if (first) {
      await starting.catch(() => {});
      await stopAll();
      return exitSoon(0);
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
    if (brokerBusy) warnings.push(`${brokerBusy}: the MQTT broker is on ${demo.brokerUrl} instead, boards set up for port ${DEFAULT_BROKER_PORT} will not find it (free the port, or set their mqttPort)`);
    if (values['no-web']) {
      const { TerminalView } = await import('../demo/terminal.ts');
      view = new TerminalView({ demo, out: process.stdout, input: process.stdin, header: header.map((l) => `podlights demo: ${l}`), warnings: warnings.map((l) => `podlights demo: WARNING: ${l}`), onQuit: () => quit() });
      view.start();
    } else {
      const [{ buildAssets }, { WebServer }] = await Promise.all([import('../demo/assets.ts'), import('../demo/server.ts')]);
      web = new WebServer({ demo, assets: await buildAssets(), port: webPort as number, fallback: values.port === undefined });
      await web.start();
      if (web.movedFrom !== undefined) warnings.push(`${describePortInUse(web.movedFrom)}: the page is on ${web.url} instead`);
      for (const l of header) out(l);
      for (const w of warnings) process.stderr.write(`podlights demo: WARNING: ${w}\n`);
      out(`open ${web.url}`);
    }
    if (!view?.tty) out('ready; Ctrl-C to stop');
    if (values.scenario) await demo.scenarios.play(values.scenario);
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll().catch(() => {});
    process.stderr.write(`podlights demo: cannot start: ${startProblem(err, { broker: brokerPort, web: webPort as number, ops: opsPort as number })}\n`);
    return exitSoon(1);
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
