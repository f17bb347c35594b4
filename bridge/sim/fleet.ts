// Several simulated clusters on one clock, with one kubeconfig: what `podlights sim` and the
// demo start (eu and us by default).
import { ScaledClock, type Clock } from './clock.ts';
import { SimCluster, type SimClusterOptions } from './cluster.ts';
import { kubeconfigText, writeKubeconfig } from './kubeconfig.ts';

export interface FleetOptions {
  clusters?: string[];
  /** First port; cluster i listens on port + i. 0 or absent: free ports. */
  port?: number;
  host?: string;
  speed?: number;
  clock?: Clock;
  /** Options for every cluster (timing, history size...). */
  cluster?: Omit<SimClusterOptions, 'name' | 'port' | 'host' | 'clock' | 'speed'>;
}

export class SimFleet {
  readonly clusters: SimCluster[];
  readonly clock: Clock;
  private readonly ownsClock: boolean;

  constructor(opts: FleetOptions = {}) {
    const names = opts.clusters ?? ['eu', 'us'];
    if (new Set(names).size !== names.length) throw new Error(`duplicate cluster names in ${names.join(',')}`);
    this.ownsClock = !opts.clock;
    this.clock = opts.clock ?? new ScaledClock(opts.speed ?? 1);
    this.clusters = names.map((name, i) => new SimCluster({
      ...opts.cluster,
      name,
      host: opts.host,
      port: opts.port ? opts.port + i : 0,
      clock: this.clock,
    }));
  }

  get(name: string): SimCluster {
    const c = this.clusters.find((x) => x.name === name);
    if (!c) throw new Error(`no simulated cluster named '${name}'`);
    return c;
  }

  async start(): Promise<void> {
    try {
      for (const c of this.clusters) await c.start();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.clusters.map((c) => c.stop()));
    if (this.ownsClock) this.clock.stop();
  }

  kubeconfigText(): string {
    return kubeconfigText(this.clusters.map((c) => ({ name: c.name, url: c.url })));
  }

  writeKubeconfig(file: string): void {
    writeKubeconfig(file, this.clusters.map((c) => ({ name: c.name, url: c.url })));
  }
}
