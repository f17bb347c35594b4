// The hybrid cluster of seed 004 loses a Raspberry Pi: the arm64 node goes NotReady, its pods
// are evicted (and stay Terminating, with no kubelet to confirm), replacements start on the
// other nodes, and when the node returns its old pods finally disappear. Stopped halfway, the
// node is powered back on: no story leaves a dead node behind.
import type { SimCluster } from '../cluster.ts';
import { R } from '../resources.ts';
import { getCondition } from '../objects.ts';
import { COLORS, DEMO_NS, apply, demoDeployment, restoring, rolledOut, sleep, waitFor, waitRolledOut } from './helpers.ts';
import type { Scenario, ScenarioContext } from './types.ts';

export const NODE = 'eu-arm64-1';

/** From the failure to the node's return and its stale pods gone. */
async function failAndReturn(ctx: ScenarioContext, eu: SimCluster): Promise<void> {
  ctx.log(`${NODE} loses power`);
  eu.failNode(NODE);
  await waitFor(ctx, {
    clusters: [eu],
    what: `${NODE} to be NotReady`,
    check: () => getCondition(eu.store.get(R.nodes, undefined, NODE)?.status?.conditions, 'Ready')?.status !== 'True',
  });
  ctx.log(`${NODE} is NotReady; waiting for eviction and replacements`);
  await waitFor(ctx, {
    clusters: [eu],
    what: 'replacement pods on healthy nodes',
    check: () => rolledOut(eu, 'nodefail-demo') &&
      eu.store.list(R.pods, DEMO_NS).some((p) => p.spec?.nodeName === NODE && p.metadata.deletionTimestamp),
  });
  await sleep(ctx, 5000);
  ctx.log(`${NODE} is back`);
  eu.recoverNode(NODE);
  await waitFor(ctx, {
    clusters: [eu],
    what: `the stale pods on ${NODE} to be gone`,
    check: () => !eu.store.list(R.pods, DEMO_NS).some((p) => p.spec?.nodeName === NODE && p.metadata.deletionTimestamp),
  });
}

export const nodeFailureScenario: Scenario = {
  name: 'node-failure',
  title: 'Node failure on the hybrid cluster',
  description: `Node ${NODE} goes NotReady: its pods dim, then turn Terminating while replacements light up on the other nodes; when it returns the stale pods vanish.`,
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/nodefail.yaml',
    `kubectl drain ${NODE} --ignore-daemonsets --delete-emptydir-data   # closest kubectl equivalent of pulling the plug`,
    `kubectl uncordon ${NODE}`,
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    eu.recoverNode(NODE);
    apply(eu, R.deployments, demoDeployment({ name: 'nodefail-demo', replicas: 8, version: 'v1', color: COLORS.v1 }));
    await waitRolledOut(ctx, eu, 'nodefail-demo');
    await sleep(ctx, 2000);
    await restoring(ctx, () => failAndReturn(ctx, eu), () => {
      ctx.log(`stopped: ${NODE} is powered back on`);
      eu.recoverNode(NODE);
    });
  },
};
