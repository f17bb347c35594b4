// Seed 000 (k8gb): eu is primary, us secondary, behind a GSLB DNS with a 30 s TTL. The eu pods
// go down; once the TTL has passed clients follow DNS to us, which scales up. Fail-back: eu
// heals, and after the TTL traffic returns to eu and us shrinks back. Which cluster gets
// traffic is published as the annotation podlights.io/traffic (active/standby).
import type { SimCluster } from '../cluster.ts';
import { clone } from '../objects.ts';
import { R } from '../resources.ts';
import { COLORS, DEMO_NS, apply, demoDeployment, rolledOut, scale, sleep, waitFor, waitRolledOut } from './helpers.ts';
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

/** Both clusters serving, eu active: the starting point of both stories. */
async function ensureBaseline(ctx: ScenarioContext, opts: { euReplicas: number; usReplicas: number; active: 'eu' | 'us' }): Promise<void> {
  const eu = ctx.cluster('eu');
  const us = ctx.cluster('us');
  for (const [cluster, replicas, color, role] of [[eu, opts.euReplicas, COLORS.green, 'primary'], [us, opts.usReplicas, COLORS.blue, 'secondary']] as const) {
    if (!cluster.api.tryGet(R.deployments, DEMO_NS, NAME)) {
      apply(cluster, R.deployments, demoDeployment({ name: NAME, replicas, version: 'v1', color, annotations: { 'podlights.io/gslb-role': role, 'podlights.io/traffic': 'standby' } }));
    }
  }
  setTraffic(eu, opts.active === 'eu' ? 'active' : 'standby');
  setTraffic(us, opts.active === 'us' ? 'active' : 'standby');
  await waitFor(ctx, { clusters: [eu, us], what: 'both clusters to serve', check: () => rolledOut(eu, NAME) && rolledOut(us, NAME) });
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
    const eu = ctx.cluster('eu');
    const us = ctx.cluster('us');
    await ensureBaseline(ctx, { euReplicas: SIZE.eu, usReplicas: SIZE.usStandby, active: 'eu' });
    await sleep(ctx, 2000);
    ctx.log('eu goes down');
    scale(eu, NAME, 0);
    await waitRolledOut(ctx, eu, NAME);
    ctx.log('waiting for the DNS TTL (30 s) before clients move to us');
    await sleep(ctx, DNS_TTL_MS);
    setTraffic(eu, 'standby');
    setTraffic(us, 'active');
    ctx.log('traffic on us; scaling us up');
    scale(us, NAME, SIZE.usActive);
    await waitRolledOut(ctx, us, NAME);
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
    const us = ctx.cluster('us');
    const failedOver = eu.api.tryGet(R.deployments, DEMO_NS, NAME)?.spec?.replicas === 0;
    if (!failedOver) {
      ctx.log('not failed over yet: running the failover first');
      await failoverScenario.run(ctx);
    }
    ctx.log('eu recovers');
    scale(eu, NAME, SIZE.eu);
    await waitRolledOut(ctx, eu, NAME);
    ctx.log('eu healthy; waiting for the DNS TTL (30 s)');
    await sleep(ctx, DNS_TTL_MS);
    setTraffic(eu, 'active');
    setTraffic(us, 'standby');
    ctx.log('traffic back on eu; us shrinks to standby size');
    scale(us, NAME, SIZE.usStandby);
    await waitRolledOut(ctx, us, NAME);
  },
};
