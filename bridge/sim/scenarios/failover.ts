// Seed 000 (k8gb): eu is primary, us secondary, behind a GSLB DNS with a 30 s TTL. The eu pods
// go down; once the TTL has passed clients follow DNS to us, which scales up. Fail-back: eu
// heals, and after the TTL traffic returns to eu and us shrinks back. Which cluster gets
// traffic is published as the annotation podlights.io/traffic (active/standby). The TTL wait
// is dead air on the strips: it is announced as a countdown. Stopped halfway, both clusters go
// back to the starting point (eu serving), so nothing stays down.

import type { SimCluster } from '../cluster.ts';
import { clone } from '../objects.ts';
import { R } from '../resources.ts';
import { COLORS, DEMO_NS, apply, countdown, demoDeployment, restoring, rolledOut, scale, sleep, waitFor, waitRolledOut } from './helpers.ts';
import type { Scenario, ScenarioContext } from './types.ts';

const NAME = 'gslb-demo';
export const DNS_TTL_MS = 30_000;
const SIZE = { eu: 4, usStandby: 2, usActive: 4 };

function setTraffic(cluster: SimCluster, state: 'active' | 'standby'): void {
  const d = cluster.api.get(R.deployments, DEMO_NS, NAME);
  const next = clone(d);
  next.metadata.annotations = { ...next.metadata.annotations, 'podlights.io/traffic': state };
  cluster.api.update(R.deployments, next);
}

/** Sets both clusters to a state at once (sizes and traffic): where a story starts, or returns when stopped. */
function setState(ctx: ScenarioContext, opts: { euReplicas: number; usReplicas: number; active: 'eu' | 'us' }): void {
  const eu = ctx.cluster('eu');
  const us = ctx.cluster('us');
  for (const [cluster, replicas, color, role] of [[eu, opts.euReplicas, COLORS.green, 'primary'], [us, opts.usReplicas, COLORS.blue, 'secondary']] as const) {
    if (!cluster.api.tryGet(R.deployments, DEMO_NS, NAME)) {
      apply(cluster, R.deployments, demoDeployment({ name: NAME, replicas, version: 'v1', color, annotations: { 'podlights.io/gslb-role': role, 'podlights.io/traffic': 'standby' } }));
    } else if (cluster.api.get(R.deployments, DEMO_NS, NAME).spec?.replicas !== replicas) scale(cluster, NAME, replicas);
  }
  setTraffic(eu, opts.active === 'eu' ? 'active' : 'standby');
  setTraffic(us, opts.active === 'us' ? 'active' : 'standby');
}

async function ensureState(ctx: ScenarioContext, opts: { euReplicas: number; usReplicas: number; active: 'eu' | 'us' }): Promise<void> {
  const eu = ctx.cluster('eu');
  const us = ctx.cluster('us');
  setState(ctx, opts);
  await waitFor(ctx, { clusters: [eu, us], what: 'both clusters to settle', check: () => rolledOut(eu, NAME) && rolledOut(us, NAME) });
}

/** eu changes size, the DNS TTL passes (counted down), traffic moves, us changes size; stopped halfway: back to the baseline. */
function moveTraffic(ctx: ScenarioContext, o: { eu: [number, string]; wait: [string, string]; active: 'eu' | 'us'; us: [number, string] }): Promise<void> {
  const eu = ctx.cluster('eu');
  const us = ctx.cluster('us');
  return restoring(ctx, async () => {
    ctx.log(o.eu[1]);
    scale(eu, NAME, o.eu[0]);
    await waitRolledOut(ctx, eu, NAME);
    ctx.log(o.wait[0]);
    await countdown(ctx, o.wait[1], DNS_TTL_MS);
    setTraffic(eu, o.active === 'eu' ? 'active' : 'standby');
    setTraffic(us, o.active === 'us' ? 'active' : 'standby');
    ctx.log(o.us[1]);
    scale(us, NAME, o.us[0]);
    await waitRolledOut(ctx, us, NAME);
  }, () => backToBaseline(ctx));
}

const BASELINE = { euReplicas: SIZE.eu, usReplicas: SIZE.usStandby, active: 'eu' } as const;

function backToBaseline(ctx: ScenarioContext): void {
  ctx.log('stopped: eu serves again, us back to standby');
  setState(ctx, BASELINE);
}

export const failoverScenario: Scenario = {
  name: 'failover',
  title: 'Failover eu -> us',
  description: 'The green eu lane goes dark; after the 30 s DNS TTL traffic moves to us, whose blue lane grows from 2 to 4 pods.',
  kubectl: [
    'kubectl --context eu apply -f deploy/demo/namespace.yaml -f deploy/demo/gslb-eu.yaml',
    'kubectl --context us apply -f deploy/demo/namespace.yaml -f deploy/demo/gslb-us.yaml',
    'kubectl --context eu -n podlights-demo scale deployment/gslb-demo --replicas=0   # eu goes down',
    'sleep 30   # DNS TTL',
    'kubectl --context us -n podlights-demo scale deployment/gslb-demo --replicas=4',
  ],
  clusters: ['eu', 'us'],
  async run(ctx) {
    await ensureState(ctx, BASELINE);
    await sleep(ctx, 2000);
    await moveTraffic(ctx, {
      eu: [0, 'eu goes down'],
      wait: ['waiting for the DNS TTL (30 s) before clients move to us', 'DNS TTL: clients move to us in'],
      active: 'us',
      us: [SIZE.usActive, 'traffic on us; scaling us up'],
    });
  },
};

export const failbackScenario: Scenario = {
  name: 'failback',
  title: 'Fail-back us -> eu',
  description: 'The eu lane lights up again; once healthy and after the DNS TTL, traffic returns to eu and the us lane shrinks back to 2.',
  kubectl: [
    'kubectl --context eu -n podlights-demo scale deployment/gslb-demo --replicas=4',
    'kubectl --context eu -n podlights-demo rollout status deployment/gslb-demo',
    'sleep 30   # DNS TTL',
    'kubectl --context us -n podlights-demo scale deployment/gslb-demo --replicas=2',
  ],
  clusters: ['eu', 'us'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    const failedOver = eu.api.tryGet(R.deployments, DEMO_NS, NAME)?.spec?.replicas === 0;
    if (!failedOver) {
      // Straight to where the failover ends, not its whole 70 s: this story is the way back.
      ctx.log('not failed over yet: setting the failed-over state (eu down, us serving)');
      await ensureState(ctx, { euReplicas: 0, usReplicas: SIZE.usActive, active: 'us' });
      await sleep(ctx, 2000);
    }
    await moveTraffic(ctx, {
      eu: [SIZE.eu, 'eu recovers'],
      wait: ['eu healthy; waiting for the DNS TTL (30 s)', 'DNS TTL: traffic returns to eu in'],
      active: 'eu',
      us: [SIZE.usStandby, 'traffic back on eu; us shrinks to standby size'],
    });
  },
};
