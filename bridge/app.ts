// The bridge's assembly: clusters (or the embedded simulator), the embedded broker or an external
// one, transports, the controller and the operations server, started in order and stopped in
// reverse. The CLI (`podlights bridge`) and the demo both start the bridge through this module.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BridgeConfig } from './config/load.ts';
import { Bridge } from './controller.ts';
import type { ClusterSource } from './controller.ts';
import { fromKubeconfig, inCluster } from './kube/connect.ts';
import { OpsServer } from './ops/server.ts';
import type { SimFleet } from './sim/fleet.ts';
import { localTransport } from './local/start.ts';
import { routeLocalBoards } from './local/outputs.ts';
import type { EmbeddedBroker } from './transports/mqtt/broker.ts';
import { MqttTransport } from './transports/mqtt/transport.ts';
import type { Transport } from './transports/types.ts';

export interface RunningBridge {
  bridge: Bridge;
  transports: Transport[];
  ops: OpsServer | undefined;
  broker: EmbeddedBroker | undefined;
  fleet: SimFleet | undefined;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

async function clusterSources(config: BridgeConfig): Promise<{ sources: ClusterSource[]; fleet?: SimFleet; kubeconfigFile?: string }> {
  if (config.inCluster) return { sources: [inCluster()] };
  if (config.kubeconfig) return { sources: fromKubeconfig({ file: config.kubeconfig, contexts: config.contexts }) };
  // Loaded only when used, as the embedded broker below: a bridge on a node needs neither.
  const { SimFleet } = await import('./sim/fleet.ts');
  const fleet = new SimFleet({});
  await fleet.start();
  const file = join(tmpdir(), 'podlights-bridge-sim.kubeconfig');
  fleet.writeKubeconfig(file);
  return { sources: fromKubeconfig({ text: fleet.kubeconfigText() }), fleet, kubeconfigFile: file };
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
    const { sources, fleet, kubeconfigFile } = await clusterSources(config);
    if (fleet) started.push(fleet);
    let broker: EmbeddedBroker | undefined;
    let url = config.mqtt.url;
    let username = config.mqtt.username;
    let password = config.mqtt.password;
    if (!url) {
      username = config.broker.bridgeUsername;
      password = config.broker.bridgePassword ?? randomBytes(16).toString('hex');
      const { EmbeddedBroker } = await import('./transports/mqtt/broker.ts');
      broker = new EmbeddedBroker({
        host: config.broker.host,
        port: config.broker.port,
        baseTopic: config.mqtt.baseTopic,
        bridge: { username, password },
        boards: config.broker.boardPasswords,
        boardPassword: config.broker.boardPassword,
        allowAnonymous: config.broker.allowAnonymous,
        tls: config.broker.tls,
        log,
      });
      await broker.start();
      started.push(broker);
      // With TLS the bridge itself uses the broker's plain loopback listener (broker-tls.ts).
      url = config.broker.tls ? broker.url : `mqtt://127.0.0.1:${broker.port}`;
      const tls = config.broker.tls;
      log(`bridge: embedded MQTT broker on ${config.broker.host}:${broker.port}${tls ? ` (mqtts${tls.requireClientCert ? ', client certificates required' : tls.ca ? ', client certificates checked when given' : ''})` : ''}`);
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
      const { SerialTransport } = await import('./transports/serial/transport.ts');
      for (const port of config.serial) transports.push(new SerialTransport({ path: port.path, baudRate: port.baudRate, log }));
    }
    // Boards with outputs (a Blinkt, USB lights, WLED) run the firmware core in this process.
    const local = localTransport(config, log);
    if (local) transports.push(local);
    const bridge = new Bridge({
      clusters: sources,
      transports,
      boards: routeLocalBoards(config.boards),
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
    // Said only once everything runs: a hint to use the simulator is wrong after "cannot start".
    if (fleet) {
      log(`bridge: no kubeconfig given: watching the embedded simulator (${fleet.clusters.map((c) => `${c.name} ${c.url}`).join(', ')})`);
      log(`bridge: kubectl --kubeconfig ${kubeconfigFile} get pods   # drive it like a cluster`);
    }
    log(`bridge: watching ${sources.map((s) => s.name).join(', ')}${config.nodeName ? ` (node ${config.nodeName})` : ''}; boards under '${config.mqtt.baseTopic}/'`);
    return { bridge, transports, ops, broker, fleet, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

