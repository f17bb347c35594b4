// `podlights bridge`: watch clusters and drive boards until SIGINT/SIGTERM. With no kubeconfig it
// watches the embedded simulator; with no --mqtt it starts the embedded broker.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../config/load.ts';
import type { BridgeConfig } from '../config/load.ts';
import { Bridge } from '../controller.ts';
import type { ClusterSource } from '../controller.ts';
import { fromKubeconfig, inCluster, ConnectError } from '../kube/connect.ts';
import { OpsServer } from '../ops/server.ts';
import { SimFleet } from '../sim/fleet.ts';
import { EmbeddedBroker } from '../transports/mqtt/broker.ts';
import { MqttTransport } from '../transports/mqtt/transport.ts';
import type { Transport } from '../transports/types.ts';
import type { Command } from './main.ts';
import { createLogger } from '../log.ts';

const HELP = `usage: podlights bridge [options]

Watches Kubernetes and drives LED boards over MQTT (and USB serial).

options:
  --kubeconfig FILE   a kubeconfig (default: none, which starts the embedded simulator)
  --context NAME      a context to watch; repeat for several clusters (default: current)
  --in-cluster        use the pod's service account (DaemonSet)
  --node NAME         watch only pods on this node (default: $NODE_NAME)
  --mqtt URL          an external broker, mqtt:// or mqtts:// (default: embedded broker)
  --broker-port P     port of the embedded broker (default 1883; 0 = free port)
  --serial PATH       a board on a USB serial port; repeat for several
  --http-port P       operations endpoints /healthz /readyz /metrics /boards (default 9464)
  --config FILE       JSON config (schema: bridge/config/schema.json); flags win over it
  -h, --help          show this help

Settings can also come from the environment: PODLIGHTS_MQTT_URL, PODLIGHTS_MQTT_PASSWORD,
PODLIGHTS_BROKER_BOARD_PASSWORD, NODE_NAME, ...
`;

export interface RunningBridge {
  bridge: Bridge;
  transports: Transport[];
  ops: OpsServer | undefined;
  broker: EmbeddedBroker | undefined;
  fleet: SimFleet | undefined;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

async function clusterSources(config: BridgeConfig, log: Log): Promise<{ sources: ClusterSource[]; fleet?: SimFleet }> {
  if (config.inCluster) return { sources: [inCluster()] };
  if (config.kubeconfig) return { sources: fromKubeconfig({ file: config.kubeconfig, contexts: config.contexts }) };
  const fleet = new SimFleet({});
  await fleet.start();
  const file = join(tmpdir(), 'podlights-bridge-sim.kubeconfig');
  fleet.writeKubeconfig(file);
  log(`bridge: no kubeconfig given: watching the embedded simulator (${fleet.clusters.map((c) => `${c.name} ${c.url}`).join(', ')})`);
  log(`bridge: kubectl --kubeconfig ${file} get pods   # drive it like a cluster`);
  return { sources: fromKubeconfig({ text: fleet.kubeconfigText() }), fleet };
}

/** Starts everything the config asks for; the caller stops it. */
export async function startBridge(config: BridgeConfig, log: Log): Promise<RunningBridge> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const s of started.reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log(`bridge: while stopping: ${(err as Error).message}`);
      }
    }
  };
  try {
    const { sources, fleet } = await clusterSources(config, log);
    if (fleet) started.push(fleet);
    let broker: EmbeddedBroker | undefined;
    let url = config.mqtt.url;
    let username = config.mqtt.username;
    let password = config.mqtt.password;
    if (!url) {
      username = config.broker.bridgeUsername;
      password = config.broker.bridgePassword ?? randomBytes(16).toString('hex');
      broker = new EmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        baseTopic: config.mqtt.baseTopic,
        bridge: { username, password },
        boards: config.broker.boardPasswords,
        boardPassword: config.broker.boardPassword,
        allowAnonymous: config.broker.allowAnonymous,
        log,
      });
      await broker.start();
      started.push(broker);
      url = `mqtt://127.0.0.1:${broker.port}`;
      log(`bridge: embedded MQTT broker on ${config.broker.host}:${broker.port}`);
    }
    const transports: Transport[] = [
      new MqttTransport({
        url,
        username,
        password,
        clientId: config.mqtt.clientId,
        baseTopic: config.mqtt.baseTopic,
        tls: { ca: config.mqtt.ca, cert: config.mqtt.cert, key: config.mqtt.key, rejectUnauthorized: config.mqtt.rejectUnauthorized },
        log,
      }),
    ];
    if (config.serial.length > 0) {
      const { SerialTransport } = await import('../transports/serial/transport.ts');
      for (const port of config.serial) transports.push(new SerialTransport({ path: port.path, baudRate: port.baudRate, log }));
    }
    const bridge = new Bridge({
      clusters: sources,
      transports,
      boards: config.boards,
      boardDefaults: config.boardDefaults,
      nodeName: config.nodeName,
      flushMs: config.flushMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      retainEveryMs: config.retainEveryMs,
      log,
    });
    await bridge.start();
    started.push(bridge);
    let ops: OpsServer | undefined;
    if (config.http.enabled) {
      ops = new OpsServer({ bridge, transports, host: config.http.host, port: config.http.port });
      await ops.start();
      started.push(ops);
      log(`bridge: operations on http://${config.http.host}:${ops.port}/ (healthz, readyz, metrics, boards)`);
    }
    log(`bridge: watching ${sources.map((s) => s.name).join(', ')}${config.nodeName ? ` (node ${config.nodeName})` : ''}; boards under '${config.mqtt.baseTopic}/'`);
    return { bridge, transports, ops, broker, fleet, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string', multiple: true },
        'in-cluster': { type: 'boolean' },
        node: { type: 'string' },
        mqtt: { type: 'string' },
        'broker-port': { type: 'string' },
        serial: { type: 'string', multiple: true },
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
  try {
    const config = loadConfig({ file: values.config, overrides });
    log = createLogger({ level: config.logLevel }).line;
    running = await startBridge(config, log);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConnectError) {
      process.stderr.write(`podlights bridge: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`podlights bridge: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  log('bridge: stopping');
  await running.stop();
  return 0;
}

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'watch Kubernetes and drive LED boards over MQTT or USB serial',
  run,
};
