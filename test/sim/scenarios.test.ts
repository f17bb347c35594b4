// Every scenario in the registry runs to its end on the eu/us fleet at high speed, the
// registry carries what the demo page needs, and a run can be cancelled.
import t from 'tap';
import { SimFleet } from '../../bridge/sim/fleet.ts';
import { R } from '../../bridge/sim/resources.ts';
import { SCENARIOS, findScenario, runScenario } from '../../bridge/sim/scenarios/index.ts';
import { DEMO_NS } from '../../bridge/sim/scenarios/helpers.ts';
import { getCondition } from '../../bridge/sim/objects.ts';

t.test('the registry', async (t) => {
  const names = SCENARIOS.map((s) => s.name);
  for (const want of ['scale', 'recreate', 'rolling', 'blue-green', 'canary', 'crash-loop', 'latency-autoscale', 'failover', 'failback', 'node-failure']) t.ok(names.includes(want), want);
  for (const s of SCENARIOS) {
    t.ok(s.description.length > 20 && !s.description.includes('\n'), `${s.name} has a one-line description`);
    t.ok(s.kubectl.filter((k) => /kubectl|deploy\/demo/.test(k)).length > 0, `${s.name} has kubectl equivalents`);
  }
  t.equal(findScenario('nope'), undefined);
});

t.test('every scenario runs to the end', async (t) => {
  const fleet = new SimFleet({ speed: 100 });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const eu = fleet.get('eu');
  const us = fleet.get('us');
  const log: string[] = [];
  let maxRestarts = 0;
  let sawBackOff = false;
  let sawNotReady = false;
  eu.store.subscribe((ev) => {
    if (ev.resource === R.pods) {
      for (const cs of ev.object.status?.containerStatuses ?? []) {
        maxRestarts = Math.max(maxRestarts, cs.restartCount);
        if (cs.state?.waiting?.reason === 'CrashLoopBackOff') sawBackOff = true;
      }
    }
    if (ev.resource === R.nodes && getCondition(ev.object.status?.conditions, 'Ready')?.status === 'Unknown') sawNotReady = true;
  });
  for (const s of SCENARIOS) {
    const started = Date.now();
    await runScenario({ scenario: s, clusters: fleet.clusters, log: (m) => log.push(m) });
    t.pass(`${s.name} finished in ${Date.now() - started} ms`);
  }
  t.ok(maxRestarts >= 2 && sawBackOff, 'crash-loop: restarts climbed through CrashLoopBackOff');
  t.ok(sawNotReady, 'node-failure: the node went NotReady');
  t.equal(us.api.get(R.deployments, DEMO_NS, 'gslb-demo').metadata.annotations?.['podlights.io/traffic'], 'standby', 'after fail-back us is standby');
  t.equal(eu.api.get(R.deployments, DEMO_NS, 'gslb-demo').metadata.annotations?.['podlights.io/traffic'], 'active');
  t.equal(eu.api.get(R.deployments, DEMO_NS, 'bluegreen-green').metadata.labels?.app, 'bluegreen');
  t.equal(eu.api.get(R.services, DEMO_NS, 'bluegreen').spec.selector.version, 'green');
  t.ok(eu.store.list(R.pods, DEMO_NS).every((p) => p.metadata.labels?.blinkt === 'show' && p.metadata.labels?.['podlights.io/show'] === 'true' && /^[0-9a-f]{6}$/.test(p.metadata.labels?.blinktColor ?? '')), 'demo pods carry the seed labels');
  t.ok(log.some((l) => l.startsWith('[latency-autoscale] latency')), 'the autoscaler logged its decisions');
});

t.test('a scenario can be cancelled', async (t) => {
  const fleet = new SimFleet({ speed: 5, clusters: ['eu'] });
  await fleet.start();
  t.teardown(() => fleet.stop());
  const abort = new AbortController();
  const run = runScenario({ scenario: 'latency-autoscale', clusters: fleet.clusters, signal: abort.signal });
  setTimeout(() => abort.abort(), 100);
  await t.rejects(run, { name: 'AbortError' });
  await t.rejects(runScenario({ scenario: 'failover', clusters: fleet.clusters }), /needs cluster\(s\) us/);
});
