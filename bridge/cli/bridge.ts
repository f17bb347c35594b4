// `podlights bridge`: watch clusters and drive boards until SIGINT/SIGTERM. With no kubeconfig it
// watches the embedded simulator; with no --mqtt it starts the embedded broker.
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config/load.ts';
import type { BridgeConfig } from '../config/load.ts';
import { ConnectError } from '../kube/connect.ts';
import { startBridge } from '../app.ts';
import type { RunningBridge } from '../app.ts';
import type { Command } from './main.ts';
import { addLocalFlags, normalizeOptionalFlags } from '../local/flags.ts';
import { createLogger } from '../log.ts';
import { describePortInUse } from './port-holder.ts';

type Log = (line: string) => void;

const HELP = `usage: podlights bridge [options]

Watches Kubernetes and drives LED boards over MQTT (and USB serial).

options:
  --kubeconfig FILE   a kubeconfig (default: none, which starts the embedded simulator)
  --context NAME      a context to watch; repeat for several clusters (default: current)
  --in-cluster        use the pod's service account (DaemonSet)
  --node NAME         watch only pods on this node (default: $NODE_NAME)
  --mqtt URL          an external broker: mqtt://, mqtts://, ws:// or wss:// (default: embedded)
  --broker-port P     port of the embedded broker (default 1883; 0 = free port)
  --serial PATH       a board on a USB serial port; repeat for several
  --wled HOST[:PORT]  drive a WLED controller over UDP DDP (port 4048); repeat for several
  --blinkstick [SERIAL]  drive a USB BlinkStick or blink(1) by serial; alone: every one
                      plugged in, each a board of its own
  --blinkt            drive a Pimoroni Blinkt on this Pi's GPIO23/24
  --http-port P       operations endpoints /healthz /readyz /metrics /boards (default 9464)
  --config FILE       a YAML or JSON config (schema: bridge/config/schema.json); flags win
  -h, --help          show this help

Settings can also come from the environment: PODLIGHTS_MQTT_URL, PODLIGHTS_MQTT_PASSWORD,
PODLIGHTS_BROKER_BOARD_PASSWORD, PODLIGHTS_LOG_FORMAT (auto, pretty, json), NODE_NAME, ...
Logs go to stderr: one readable line per record on a terminal, JSON lines otherwise.
`;

async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: normalizeOptionalFlags(args),
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string', multiple: true },
        'in-cluster': { type: 'boolean' },
        node: { type: 'string' },
        mqtt: { type: 'string' },
        'broker-port': { type: 'string' },
        serial: { type: 'string', multiple: true },
        wled: { type: 'string', multiple: true },
        blinkstick: { type: 'string', multiple: true },
        blinkt: { type: 'boolean' },
        'http-port': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    process.stderr.write(`podlights bridge: ${(err as Error).message} (see podlights bridge --help)\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  if (values.kubeconfig) overrides.kubeconfig = values.kubeconfig;
  if (values.context) overrides.contexts = values.context;
  if (values['in-cluster']) overrides.inCluster = true;
  if (values.node) overrides.nodeName = values.node;
  if (values.mqtt) overrides.mqtt = { url: values.mqtt };
  if (values['broker-port'] !== undefined) overrides.broker = { port: Number(values['broker-port']) };
  if (values.serial) overrides.serial = values.serial.map((path) => ({ path }));
  if (values['http-port'] !== undefined) overrides.http = { port: Number(values['http-port']) };
  let running: RunningBridge;
  let log: Log = (line) => process.stderr.write(`${line}\n`);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ file: values.config, overrides });
    addLocalFlags(config, { wled: values.wled, blinkstick: values.blinkstick, blinkt: values.blinkt });
    log = createLogger({ level: config.logLevel, format: config.logFormat }).line;
    running = await startBridge(config, log);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConnectError) {
      process.stderr.write(`podlights bridge: ${err.message}\n`);
      return exitSoon(2);
    }
    process.stderr.write(`podlights bridge: cannot start: ${startProblem(err, config!)}\n`);
    return exitSoon(1);
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  log('bridge: stopping');
  // A stop that hangs (a broker that never acks, a socket that never closes) must not keep a
  // terminating pod alive until SIGKILL: a second signal, or 5 s, ends the process.
  const force = (why: string) => {
    process.stderr.write(`podlights bridge: ${why}; exiting now\n`);
    process.exit(1);
  };
  const timer = setTimeout(() => force('stopping took more than 5 s'), 5000);
  timer.unref();
  process.once('SIGINT', () => force('second signal'));
  process.once('SIGTERM', () => force('second signal'));
  await running.stop();
  clearTimeout(timer);
  return exitSoon(0);
}

/**
 * The exit code, with a guard: if something left behind (a socket, a timer of a library) would
 * keep the process alive, it ends anyway half a second later instead of hanging without a word.
 */
function exitSoon(code: number): number {
  setTimeout(() => process.exit(code), 500).unref();
  return code;
}

/** One line that says what failed and what to do. */
function startProblem(err: unknown, config: { broker: { port: number }; http: { port: number } } | undefined): string {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e.code === 'EADDRINUSE') {
    const port = e.port ?? 0;
    const inUse = describePortInUse(port);
    if (config && port === config.broker.port) return `the MQTT broker's ${inUse}: choose another with --broker-port P (0 = any free port), or use that broker with --mqtt mqtt://host:${port}`;
    if (config && port === config.http.port) return `the operations endpoint's ${inUse}: choose another with --http-port P (0 = any free port)`;
    return `${inUse}: ${e.message}`;
  }
  if (e.code === 'EACCES' && e.port !== undefined) return `no permission to listen on port ${e.port} (ports below 1024 need privileges): choose another port`;
  return (err as Error).message ?? String(err);
}

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'watch Kubernetes and drive LED boards over MQTT or USB serial',
  run,
};
