// Seed 003: an operator scales the app by request latency: one more replica while latency is
// above the threshold (100 ms), one fewer when well below, within min/max, with a cooldown.
// Load and latency are simulated; both are published as annotations on the Deployment.
import type { SimCluster } from '../cluster.ts';
import { clone } from '../objects.ts';
import { R } from '../resources.ts';
import { COLORS, DEMO_NS, apply, demoDeployment, scale, sleep, waitRolledOut } from './helpers.ts';
import type { Scenario } from './types.ts';

export interface AutoscalePolicy {
  minReplicas: number;
  maxReplicas: number;
  /** Scale up above this latency (ms); scale down below half of it. */
  thresholdMs: number;
  cooldownMs: number;
  /** Requests per second one ready replica serves before queueing sets in. */
  capacityRps: number;
  baseLatencyMs: number;
}

export const DEFAULT_POLICY: AutoscalePolicy = { minReplicas: 1, maxReplicas: 8, thresholdMs: 100, cooldownMs: 4000, capacityRps: 50, baseLatencyMs: 30 };

/** Latency of a simple queue: base / (1 - utilisation), capped when saturated. */
export function latencyMs(opts: { rps: number; ready: number; policy: AutoscalePolicy }): number {
  const { rps, ready, policy } = opts;
  if (ready <= 0) return rps > 0 ? 5000 : 0;
  const util = rps / (ready * policy.capacityRps);
  if (util >= 0.95) return Math.round(policy.baseLatencyMs * 20);
  return Math.round(policy.baseLatencyMs / (1 - util));
}

/** The load profile: ramp to a peak, hold, ramp down, idle (rps at simulated time t ms). */
export function loadAt(t: number): number {
  const peak = 300;
  if (t < 20_000) return (peak * t) / 20_000;
  if (t < 40_000) return peak;
  if (t < 60_000) return peak * (1 - (t - 40_000) / 20_000);
  return 10;
}

/** One reconcile of the latency operator; returns the replicas it decided on. */
export function reconcile(opts: { cluster: SimCluster; name: string; rps: number; now: number; lastScale: number; policy: AutoscalePolicy }): { replicas: number; latency: number; scaled: boolean } {
  const d = opts.cluster.api.get(R.deployments, DEMO_NS, opts.name);
  const ready = Number(d.status?.readyReplicas ?? 0);
  const replicas = Number(d.spec?.replicas ?? 1);
  const latency = latencyMs({ rps: opts.rps, ready, policy: opts.policy });
  const next = clone(d);
  next.metadata.annotations = { ...next.metadata.annotations, 'podlights.io/latency-ms': String(latency), 'podlights.io/load-rps': String(Math.round(opts.rps)) };
  opts.cluster.api.update(R.deployments, next);
  const cool = opts.now - opts.lastScale >= opts.policy.cooldownMs;
  let want = replicas;
  if (cool && latency > opts.policy.thresholdMs && replicas < opts.policy.maxReplicas) want = replicas + 1;
  else if (cool && latency < opts.policy.thresholdMs / 2 && replicas > opts.policy.minReplicas) want = replicas - 1;
  if (want !== replicas) scale(opts.cluster, opts.name, want);
  return { replicas: want, latency, scaled: want !== replicas };
}

export const autoscaleScenario: Scenario = {
  name: 'latency-autoscale',
  title: 'Autoscale by latency',
  description: 'As simulated load rises, latency passes 100 ms and pods are added one by one (cooldown between); as load falls they are removed again.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/autoscale.yaml',
    'deploy/demo/latency-autoscale.sh   # plays the operator: one kubectl scale step per decision',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    const policy = DEFAULT_POLICY;
    apply(eu, R.deployments, demoDeployment({ name: 'autoscale-demo', replicas: policy.minReplicas, version: 'v1', color: COLORS.green }));
    await waitRolledOut(ctx, eu, 'autoscale-demo');
    const start = ctx.clock.now();
    let lastScale = -Infinity;
    while (ctx.clock.now() - start < 80_000) {
      const t = ctx.clock.now() - start;
      const r = reconcile({ cluster: eu, name: 'autoscale-demo', rps: loadAt(t), now: t, lastScale, policy });
      if (r.scaled) {
        lastScale = t;
        ctx.log(`latency ${r.latency} ms at ${Math.round(loadAt(t))} rps: scaling to ${r.replicas}`);
      }
      await sleep(ctx, 1000);
    }
  },
};
