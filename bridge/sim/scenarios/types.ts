// The shape of a scenario: a story from the seeds, runnable against simulated clusters (the
// demo page's buttons, `podlights sim --scenario`, tests) and documented as the kubectl
// commands that tell the same story on a real cluster.
import type { Clock } from '../clock.ts';
import type { SimCluster } from '../cluster.ts';

export interface ScenarioContext {
  /** The simulated clusters by name (the demo topology: eu, us). */
  clusters: ReadonlyMap<string, SimCluster>;
  /** One cluster by name; throws when the scenario runs without it. */
  cluster(name: string): SimCluster;
  clock: Clock;
  /** Aborted when the run is cancelled: every sleep and wait rejects with an AbortError. */
  signal: AbortSignal;
  /** Progress lines for a human ("scaling to 8"). */
  log(message: string): void;
  /** A wait with nothing happening on the strips is about to start ("DNS TTL", 30 s of simulated time); '' / 0 ends it. */
  countdown?(label: string, ms: number): void;
}

export interface Scenario {
  name: string;
  title: string;
  /** One line: what to watch for on the LEDs. */
  description: string;
  /** The same story on a real cluster (see deploy/demo/). */
  kubectl: string[];
  /** Clusters the scenario needs. */
  clusters: string[];
  run(ctx: ScenarioContext): Promise<void>;
}
