// One simulated cluster: store, API semantics, control plane (scheduler, kubelet, workload
// controllers, garbage collector, node lifecycle) and an HTTP API server. The API is usable
// from construction on; start() runs the controllers and listens, stop() undoes all of it.
import { SimApi } from './api.ts';
import { ScaledClock, type Clock } from './clock.ts';
import type { ControllerContext } from './controllers/context.ts';
import { DaemonSetController } from './controllers/daemonset.ts';
import { DeploymentController } from './controllers/deployment.ts';
import { GarbageCollector } from './controllers/gc.ts';
import { EventRecorder } from './controllers/events.ts';
import { Kubelet } from './controllers/kubelet.ts';
import { ControllerManager } from './controllers/manager.ts';
import { NodeLifecycle } from './controllers/node-lifecycle.ts';
import { ReplicaSetController } from './controllers/replicaset.ts';
import { Scheduler } from './controllers/scheduler.ts';
import { StatefulSetController } from './controllers/statefulset.ts';
import { Faults } from './faults.ts';
import { ApiServer } from './http/server.ts';
import type { WatchOptions } from './http/watch-request.ts';
import { NameSource, fnv32a } from './names.ts';
import { Machines, defaultNodes, nodeObject, type NodeSpec } from './nodes.ts';
import { R } from './resources.ts';
import { Store } from './store.ts';
import { DEFAULT_TIMING, type Timing } from './timing.ts';

export interface SimClusterOptions {
  name: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A shared clock (several clusters in one scenario); otherwise one is made from `speed`. */
  clock?: Clock;
  speed?: number;
  /** Default: defaultNodes(name), the hybrid amd64/arm64 topology. */
  nodes?: NodeSpec[];
  timing?: Partial<Timing>;
  /** Events kept for watch resumption (default 10,000). */
  historySize?: number;
  /** Seed for generated names and uids (default: derived from the cluster name). */
  seed?: number;
  /** Run the control plane (default true); false gives a bare API server over a store. */
  controllers?: boolean;
  watch?: Partial<WatchOptions>;
  /** Namespaces created at start besides default, kube-system, kube-public, kube-node-lease. */
  namespaces?: string[];
}

export class SimCluster {
  readonly name: string;
  readonly store: Store;
  readonly api: SimApi;
  readonly clock: Clock;
  readonly faults = new Faults();
  readonly machines = new Machines();
  readonly timing: Timing;
  readonly manager: ControllerManager;
  private readonly ownsClock: boolean;
  private readonly server: ApiServer;
  private readonly names: NameSource;
  private readonly runControllers: boolean;
  private kubelet: Kubelet | undefined;
  private nodeLifecycle: NodeLifecycle | undefined;
  private nodeCount = 0;
  private started = false;

  constructor(opts: SimClusterOptions) {
    this.name = opts.name;
    this.ownsClock = !opts.clock;
    this.clock = opts.clock ?? new ScaledClock(opts.speed ?? 1);
    this.timing = { ...DEFAULT_TIMING, ...opts.timing };
    this.store = new Store({ historySize: opts.historySize });
    this.names = new NameSource(opts.seed ?? fnv32a(`podlights-sim/${opts.name}`));
    this.api = new SimApi({ store: this.store, clock: this.clock, names: this.names });
    this.manager = new ControllerManager({ clock: this.clock, store: this.store });
    this.runControllers = opts.controllers ?? true;
    this.server = new ApiServer({ api: this.api, store: this.store, faults: this.faults, host: opts.host, port: opts.port, watch: opts.watch });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...(opts.namespaces ?? [])]) {
      if (!this.store.get(R.namespaces, undefined, ns)) this.api.create(R.namespaces, { metadata: { name: ns } });
    }
    for (const spec of opts.nodes ?? defaultNodes(opts.name)) this.addNode(spec);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  /** Open watch streams on the HTTP server (tests and the benchmark look at them). */
  get watches(): ApiServer['watches'] {
    return this.server.watches;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.runControllers) {
      const ctx: ControllerContext = { api: this.api, store: this.store, clock: this.clock, manager: this.manager, names: this.names };
      this.kubelet = new Kubelet({ ctx, timing: this.timing, machines: this.machines });
      this.nodeLifecycle = new NodeLifecycle({ ctx, timing: this.timing, machines: this.machines });
      for (const c of [
        new Scheduler({ ctx, timing: this.timing }),
        this.kubelet,
        new ReplicaSetController(ctx),
        new DeploymentController(ctx),
        new StatefulSetController(ctx),
        new DaemonSetController(ctx),
        new GarbageCollector(ctx),
        new EventRecorder(ctx),
      ]) this.manager.register(c);
      this.manager.start();
    }
    await this.server.start();
  }

  async stop(): Promise<void> {
    if (!this.started) {
      if (this.ownsClock) this.clock.stop();
      return;
    }
    this.started = false;
    this.manager.stop();
    this.kubelet?.stop();
    this.nodeLifecycle?.stop();
    await this.server.stop();
    if (this.ownsClock) this.clock.stop();
  }

  /** Runs every queued controller sync now (ManualClock tests call this between steps). */
  settle(): void {
    this.manager.settle();
  }

  addNode(spec: NodeSpec): void {
    this.api.create(R.nodes, nodeObject({ spec, index: ++this.nodeCount, cluster: this.name, wallNow: this.clock.wallNow() }));
  }

  /** The machine stops: its kubelet goes silent, and the node lifecycle controller reacts. */
  failNode(name: string): void {
    this.api.get(R.nodes, undefined, name);
    this.machines.set(name, false);
  }

  recoverNode(name: string): void {
    this.api.get(R.nodes, undefined, name);
    this.machines.set(name, true);
  }

  /** Restarts only the HTTP server (see Faults.restart); the control plane keeps running. */
  restartServer(opts: { resetResourceVersion?: boolean; downMs?: number } = {}): Promise<void> {
    return this.faults.restart(opts);
  }
}
