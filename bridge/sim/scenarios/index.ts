// The scenario registry: what `podlights sim --scenario`, the demo page and the tests run.
import type { SimCluster } from '../cluster.ts';
import type { Clock } from '../clock.ts';
import { settled } from './helpers.ts';
import { autoscaleScenario } from './autoscale.ts';
import { crashLoopScenario } from './crash-loop.ts';
import { failbackScenario, failoverScenario } from './failover.ts';
import { nodeFailureScenario } from './node-failure.ts';
import type { Scenario, ScenarioContext } from './types.ts';
import { blueGreenScenario, canaryScenario, recreateScenario, rollingScenario, scaleScenario } from './upgrades.ts';

export type { Scenario, ScenarioContext } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [
  scaleScenario,
  recreateScenario,
  rollingScenario,
  blueGreenScenario,
  canaryScenario,
  crashLoopScenario,
  autoscaleScenario,
  failoverScenario,
  failbackScenario,
  nodeFailureScenario,
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/**
 * Runs one scenario against the given clusters. Resolves when the story is told; rejects with
 * an AbortError when `signal` fires (the clusters stay as they were at that moment).
 */
export async function runScenario(opts: {
  scenario: Scenario | string;
  clusters: SimCluster[];
  clock?: Clock;
  signal?: AbortSignal;
  log?: (message: string) => void;
  countdown?: (label: string, ms: number) => void;
}): Promise<void> {
  const scenario = typeof opts.scenario === 'string' ? findScenario(opts.scenario) : opts.scenario;
  if (!scenario) throw new Error(`unknown scenario '${String(opts.scenario)}'; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  const byName = new Map(opts.clusters.map((c) => [c.name, c]));
  const missing = scenario.clusters.filter((n) => !byName.has(n));
  if (missing.length) throw new Error(`scenario '${scenario.name}' needs cluster(s) ${missing.join(', ')}`);
  const ctx: ScenarioContext = {
    clusters: byName,
    cluster: (name) => {
      const c = byName.get(name);
      if (!c) throw new Error(`scenario '${scenario.name}' has no cluster '${name}'`);
      return c;
    },
    clock: opts.clock ?? opts.clusters[0].clock,
    signal: opts.signal ?? new AbortController().signal,
    log: (m) => (opts.log ?? (() => {}))(`[${scenario.name}] ${m}`),
    countdown: opts.countdown,
  };
  await scenario.run(ctx);
  // Done when the strips are: the last pods have faded out or come up, not just the rollout.
  await settled(ctx, scenario.clusters.map((n) => byName.get(n)!));
}
