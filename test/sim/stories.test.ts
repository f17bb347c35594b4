// What a speaker on stage relies on (issue 11, items 3 and 8): a story stopped halfway puts back
// what it broke; a story is done when the strips are (no pod still fading); dead air is announced
// as a countdown; fail-back alone does not replay the whole failover; texts say what Kubernetes
// really does.
import t from 'tap';
import { SimFleet } from '../../bridge/sim/fleet.ts';
import { R } from '../../bridge/sim/resources.ts';
import { findScenario, runScenario } from '../../bridge/sim/scenarios/index.ts';
import { DEMO_NS, waitFor } from '../../bridge/sim/scenarios/helpers.ts';
import { NODE } from '../../bridge/sim/scenarios/node-failure.ts';
import { getCondition } from '../../bridge/sim/objects.ts';
import type { SimCluster } from '../../bridge/sim/cluster.ts';
import type { ScenarioContext } from '../../bridge/sim/scenarios/types.ts';

function ctxFor(clusters: SimCluster[]): ScenarioContext {
  return { clusters: new Map(clusters.map((c) => [c.name, c])), cluster: (n) => clusters.find((c) => c.name === n)!, clock: clusters[0].clock, signal: new AbortController().signal, log: () => {} };
}

const ready = (c: SimCluster, node: string) => getCondition(c.store.get(R.nodes, undefined, node)?.status?.conditions, 'Ready')?.status === 'True';

t.test('node failure stopped halfway: the node comes back and its stale pods go', async (t) => {
  const fleet = new SimFleet({ speed: 50, clusters: ['eu'] });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const eu = fleet.get('eu');
  const abort = new AbortController();
  const log: string[] = [];
  const run = runScenario({ scenario: 'node-failure', clusters: fleet.clusters, signal: abort.signal, log: (m) => log.push(m) });
  const ctx = ctxFor(fleet.clusters);
  await waitFor(ctx, { clusters: [eu], what: 'the node NotReady', check: () => !ready(eu, NODE) });
  abort.abort();
  await t.rejects(run, 'the run ends as cancelled');
  t.ok(log.some((l) => l.includes('powered back on')), 'says so in the log');
  await waitFor(ctx, {
    clusters: [eu],
    what: 'the node Ready and no stale pods',
    timeoutMs: 120_000,
    check: () => ready(eu, NODE) && !eu.store.list(R.pods, DEMO_NS).some((p) => p.metadata.deletionTimestamp && p.spec?.nodeName === NODE),
  });
  t.pass(`${NODE} is Ready again and its Terminating pods are gone, with no other story started`);
});

t.test('failover stopped during the TTL: eu serves again', async (t) => {
  const fleet = new SimFleet({ speed: 50 });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const eu = fleet.get('eu');
  const abort = new AbortController();
  const countdowns: Array<[string, number]> = [];
  const run = runScenario({ scenario: 'failover', clusters: fleet.clusters, signal: abort.signal, countdown: (label, ms) => countdowns.push([label, ms]) });
  const ctx = ctxFor(fleet.clusters);
  await waitFor(ctx, { clusters: fleet.clusters, what: 'the TTL countdown', check: () => countdowns.length > 0 });
  t.same(countdowns[0], ['DNS TTL: clients move to us in', 30_000], 'the dead air is announced with its length');
  abort.abort();
  await t.rejects(run);
  t.same(countdowns[countdowns.length - 1], ['', 0], 'and ends');
  const d = eu.api.get(R.deployments, DEMO_NS, 'gslb-demo');
  t.equal(d.spec.replicas, 4, 'eu scaled back up');
  t.equal(d.metadata.annotations?.['podlights.io/traffic'], 'active', 'eu has the traffic again');
});

t.test('fail-back alone starts from the failed-over state, not the whole failover', async (t) => {
  const fleet = new SimFleet({ speed: 50 });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const countdowns: string[] = [];
  await runScenario({ scenario: 'failback', clusters: fleet.clusters, countdown: (label) => countdowns.push(label) });
  t.same(countdowns.filter(Boolean), ['DNS TTL: traffic returns to eu in'], 'one TTL wait: the way back only');
  // Done means the strips are done: us has shrunk to 2 and nothing is still fading.
  const us = fleet.get('us');
  const pods = us.store.list(R.pods, DEMO_NS);
  t.equal(pods.length, 2, 'us is down to its 2 standby pods when the story says done');
  t.ok(pods.every((p) => !p.metadata.deletionTimestamp), 'none still Terminating');
});

t.test('scale is done only when the six pods have faded', async (t) => {
  const fleet = new SimFleet({ speed: 50, clusters: ['eu'] });
  await fleet.start();
  t.teardown(() => fleet.stop());
  await runScenario({ scenario: 'scale', clusters: fleet.clusters });
  const pods = fleet.get('eu').store.list(R.pods, DEMO_NS);
  t.equal(pods.length, 2);
  t.ok(pods.every((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running'));
});

t.test('rolling: the text says what a 6-replica 25%/25% rollout does, and the simulator does it', async (t) => {
  t.match(findScenario('rolling')!.description, /Three blue v2 pods start at once/);
  const fleet = new SimFleet({ speed: 50, clusters: ['eu'] });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const eu = fleet.get('eu');
  let maxNew = 0;
  let minAvailable = Infinity;
  eu.store.subscribe(() => {
    const pods = eu.store.list(R.pods, DEMO_NS).filter((p) => p.metadata.labels?.app === 'rolling-demo' && !p.metadata.deletionTimestamp);
    const v2 = pods.filter((p) => p.metadata.labels?.version === 'v2').length;
    if (v2 < 6) maxNew = Math.max(maxNew, v2);
    const d = eu.store.get(R.deployments, DEMO_NS, 'rolling-demo');
    if (d?.status?.availableReplicas !== undefined && d.status.observedGeneration >= 2) minAvailable = Math.min(minAvailable, d.status.availableReplicas);
  });
  await runScenario({ scenario: 'rolling', clusters: fleet.clusters });
  t.ok(maxNew >= 3, `v2 pods started at once: up to ${maxNew}`);
  t.ok(minAvailable >= 5, `never fewer than 5 available (min ${minAvailable})`);
});
