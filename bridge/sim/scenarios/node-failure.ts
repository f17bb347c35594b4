// The hybrid cluster of seed 004 loses a Raspberry Pi: the arm64 node goes NotReady, its pods
// are evicted (and stay Terminating, with no kubelet to confirm), replacements start on the
// other nodes, and when the node returns its old pods finally disappear.
import { R } from '../resources.ts';
import { getCondition } from '../objects.ts';
import { COLORS, DEMO_NS, apply, demoDeployment, rolledOut, sleep, waitFor, waitRolledOut } from './helpers.ts';
import type { Scenario } from './types.ts';

export const NODE = 'eu-arm64-1';

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
  },
};
