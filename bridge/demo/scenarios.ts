// Plays the seed stories on request: one at a time (a new one cancels the one playing), each on
// a clean stage (the Deployments other stories left in the demo namespace are removed first,
// so a strip tells one story at a time), reporting progress and outcome.
import type { SimCluster } from '../sim/cluster.ts';
import { R } from '../sim/resources.ts';
import { SCENARIOS, findScenario, runScenario } from '../sim/scenarios/index.ts';
import { DEMO_NS, deleteIfExists } from '../sim/scenarios/helpers.ts';
import type { ScenarioState } from '../web/messages.ts';

/** The Deployments each story works with; everything else in DEMO_NS leaves the stage. */
const CAST: Record<string, string[]> = {
  scale: ['scale-demo'],
  recreate: ['recreate-demo'],
  rolling: ['rolling-demo'],
  'blue-green': ['bluegreen-blue', 'bluegreen-green'],
  canary: ['canary-stable', 'canary-next'],
  'crash-loop': ['crashloop-demo'],
  'latency-autoscale': ['autoscale-demo'],
  failover: ['gslb-demo'],
  failback: ['gslb-demo'],
  'node-failure': ['nodefail-demo'],
};

export interface ScenarioRunnerOptions {
  clusters: SimCluster[];
  onState: (state: ScenarioState) => void;
  log: (cluster: string, text: string) => void;
}

export class ScenarioRunner {
  private current: { name: string; abort: AbortController; done: Promise<void> } | undefined;
  private last: ScenarioState['last'] = null;
  private countdown: ScenarioState['countdown'] = null;

  constructor(private readonly options: ScenarioRunnerOptions) {}

  get state(): ScenarioState {
    return { running: this.current?.name ?? null, last: this.last, countdown: this.countdown };
  }

  /** Starts a scenario (cancelling the one playing); resolves once it has started. */
  async play(name: string): Promise<void> {
    const scenario = findScenario(name);
    if (!scenario) throw new Error(`unknown scenario '${name}'; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    const clusters = this.options.clusters;
    const missing = scenario.clusters.filter((c) => !clusters.some((x) => x.name === c));
    if (missing.length) throw new Error(`scenario '${name}' needs cluster(s) ${missing.join(', ')}`);
    await this.cancel();
    this.clearStage(name);
    const abort = new AbortController();
    const log = (text: string) => this.options.log(scenario.clusters.join('+'), text.replace(/^\[[^\]]+\]\s*/, ''));
    log(`${scenario.title}: ${scenario.description}`);
    const speed = clusters[0]?.clock.speed ?? 1;
    const countdown = (label: string, ms: number) => {
      if (abort.signal.aborted) return;
      // Simulated ms become wall-clock ms, so the page counts in the seconds the audience waits.
      this.countdown = label ? { label, endsAt: Date.now() + ms / speed } : null;
      this.options.onState(this.state);
    };
    const done = runScenario({ scenario, clusters, signal: abort.signal, log, countdown })
      .then(
        () => {
          this.last = { name, outcome: 'done' };
          log(`${scenario.title}: done`);
        },
        (err: Error) => {
          if (abort.signal.aborted) {
            this.last = { name, outcome: 'cancelled' };
            log(`${scenario.title}: cancelled`);
          } else {
            this.last = { name, outcome: 'failed', error: err.message };
            log(`${scenario.title}: failed: ${err.message}`);
          }
        },
      )
      .finally(() => {
        if (this.current?.abort === abort) {
          this.current = undefined;
          this.countdown = null;
        }
        this.options.onState(this.state);
      });
    this.current = { name, abort, done };
    this.options.onState(this.state);
  }

  /** Cancels the scenario playing, if any; what it broke (a node, a cluster scaled to 0) is put back. */
  async cancel(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.abort.abort();
    await current.done;
  }

  private clearStage(name: string): void {
    const keep = new Set(CAST[name] ?? []);
    for (const c of this.options.clusters) {
      // A node a previous story switched off comes back: every story starts on a whole cluster.
      if (name !== 'node-failure') for (const n of c.store.list(R.nodes)) c.recoverNode(String(n.metadata.name));
      for (const d of c.store.list(R.deployments, DEMO_NS)) {
        const dn = String(d.metadata.name);
        if (!keep.has(dn) && !d.metadata.deletionTimestamp) deleteIfExists(c, R.deployments, DEMO_NS, dn);
      }
    }
  }
}
