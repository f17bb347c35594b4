// The rollout arithmetic, checked after every single store event with a ManualClock:
// RollingUpdate 10 replicas 25%/25% keeps total <= 13 and available >= 8; Recreate never runs
// old and new pods together; StatefulSet and DaemonSet keep their ordering/placement rules.
import t from 'tap';
import { ManualClock } from '../../bridge/sim/clock.ts';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { isActive, isReady } from '../../bridge/sim/controllers/podutil.ts';
import { R } from '../../bridge/sim/resources.ts';
import type { KubeObject } from '../../bridge/sim/types.ts';
import { deployment } from './helpers.ts';

async function manualCluster(test: { teardown(fn: () => unknown): void }) {
  const clock = new ManualClock();
  const cluster = new SimCluster({ name: 'eu', clock });
  await cluster.start();
  test.teardown(async () => {
    await cluster.stop();
    clock.stop();
  });
  /** Advances simulated time in small steps until `done()` (or fails after maxMs). */
  const runUntil = (done: () => boolean, maxMs = 600_000) => {
    cluster.settle();
    for (let elapsed = 0; !done(); elapsed += 100) {
      if (elapsed > maxMs) throw new Error('simulated time ran out');
      clock.advance(100);
      cluster.settle();
    }
  };
  return { clock, cluster, runUntil };
}

function rolledOut(cluster: SimCluster, name: string): boolean {
  const d = cluster.store.get(R.deployments, 'default', name) as KubeObject;
  const s = d.status ?? {};
  return s.observedGeneration >= d.metadata.generation! && s.updatedReplicas === d.spec.replicas && s.replicas === d.spec.replicas && s.availableReplicas === d.spec.replicas;
}

const podsOf = (cluster: SimCluster, app: string) => cluster.store.list(R.pods, 'default').filter((p) => p.metadata.labels?.app === app);

t.test('RollingUpdate 10 replicas, 25%/25%: total <= 13 and available >= 8 at every moment', async (t) => {
  const { cluster, runUntil } = await manualCluster(t);
  cluster.api.create(R.deployments, deployment('web', { replicas: 10 }));
  runUntil(() => rolledOut(cluster, 'web'));
  let maxTotal = 0;
  let minAvailable = Infinity;
  const violations: string[] = [];
  let checking = true;
  const unsubscribe = cluster.store.subscribe((ev) => {
    if (!checking) return;
    const pods = podsOf(cluster, 'web');
    const total = pods.filter(isActive).length;
    const available = pods.filter((p) => isActive(p) && isReady(p)).length;
    maxTotal = Math.max(maxTotal, total);
    minAvailable = Math.min(minAvailable, available);
    if (total > 13 || available < 8) violations.push(`rv ${ev.rv} ${ev.type} ${ev.object.metadata.name}: total ${total}, available ${available}`);
  });
  cluster.api.patch(R.deployments, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } });
  runUntil(() => rolledOut(cluster, 'web'));
  checking = false;
  unsubscribe();
  t.same(violations, [], 'no moment breaks the bounds');
  t.equal(maxTotal, 13, 'the surge is used');
  t.equal(minAvailable, 8, 'the unavailability budget is used');
  const rss = cluster.store.list(R.replicasets, 'default');
  t.equal(rss.length, 2);
  const images = podsOf(cluster, 'web').filter(isActive).map((p) => p.spec.containers[0].image);
  t.same([...new Set(images)], ['nginx:1.27']);
  const d = cluster.store.get(R.deployments, 'default', 'web') as KubeObject;
  t.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  const progressing = d.status.conditions.find((c: any) => c.type === 'Progressing');
  t.match(progressing, { status: 'True', reason: 'NewReplicaSetAvailable' });
  t.match(d.status.conditions.find((c: any) => c.type === 'Available'), { status: 'True', reason: 'MinimumReplicasAvailable' });
});

t.test('Recreate never runs old and new pods together', async (t) => {
  const { cluster, runUntil } = await manualCluster(t);
  cluster.api.create(R.deployments, deployment('rec', { replicas: 4, strategy: { type: 'Recreate' } }));
  runUntil(() => rolledOut(cluster, 'rec'));
  const overlaps: string[] = [];
  let sawNew = false;
  cluster.store.subscribe(() => {
    const hashes = new Set(podsOf(cluster, 'rec').map((p) => p.metadata.labels?.['pod-template-hash']));
    if (hashes.size > 1) overlaps.push([...hashes].join(','));
  });
  const before = podsOf(cluster, 'rec')[0].metadata.labels?.['pod-template-hash'];
  cluster.api.patch(R.deployments, 'default', 'rec', 'merge', { spec: { template: { metadata: { labels: { version: 'v2' } } } } });
  runUntil(() => rolledOut(cluster, 'rec'));
  sawNew = podsOf(cluster, 'rec').every((p) => p.metadata.labels?.['pod-template-hash'] !== before);
  t.same(overlaps, [], 'old and new pods never coexist (terminating ones included)');
  t.ok(sawNew, 'all pods run the new template');
});

t.test('scaling in the middle of a rollout scales proportionally and completes', async (t) => {
  const { cluster, clock, runUntil } = await manualCluster(t);
  cluster.api.create(R.deployments, deployment('mid', { replicas: 10 }));
  runUntil(() => rolledOut(cluster, 'mid'));
  cluster.api.patch(R.deployments, 'default', 'mid', 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } });
  clock.advance(200);
  cluster.settle();
  cluster.api.patch(R.deployments, 'default', 'mid', 'merge', { spec: { replicas: 20 } });
  runUntil(() => rolledOut(cluster, 'mid'));
  t.equal(podsOf(cluster, 'mid').filter(isActive).length, 20);
});

t.test('StatefulSet creates pods in order, each after the previous is Ready', async (t) => {
  const { cluster, runUntil } = await manualCluster(t);
  const order: string[] = [];
  cluster.store.subscribe((ev) => {
    if (ev.resource !== R.pods || ev.type !== 'ADDED') return;
    const name = String(ev.object.metadata.name);
    const ordinal = Number(name.split('-').pop());
    for (let i = 0; i < ordinal; i++) {
      const prev = cluster.store.get(R.pods, 'default', `db-${i}`);
      if (!prev || !isReady(prev)) order.push(`db-${ordinal} created before db-${i} was ready`);
    }
    order.push(name);
  });
  cluster.api.create(R.statefulsets, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' },
    spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
  });
  runUntil(() => cluster.store.get(R.statefulsets, 'default', 'db')?.status?.readyReplicas === 3);
  t.same(order, ['db-0', 'db-1', 'db-2']);
  cluster.api.patch(R.statefulsets, 'default', 'db', 'strategic', { spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres:17' }] } } } });
  runUntil(() => {
    const s = cluster.store.get(R.statefulsets, 'default', 'db')?.status;
    return s?.updatedReplicas === 3 && s?.readyReplicas === 3 && s.currentRevision === s.updateRevision;
  });
  t.same(order.slice(3), ['db-2', 'db-1', 'db-0'], 'rolling update goes from the highest ordinal down');
});

t.test('DaemonSet runs one pod per node and rolls them', async (t) => {
  const { cluster, runUntil } = await manualCluster(t);
  cluster.api.create(R.daemonsets, {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'kube-system' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } } },
  });
  const status = () => cluster.store.get(R.daemonsets, 'kube-system', 'agent')?.status ?? {};
  runUntil(() => status().numberAvailable === 4);
  const nodes = cluster.store.list(R.pods, 'kube-system').map((p) => p.spec.nodeName).sort();
  t.same(nodes, ['eu-amd64-1', 'eu-amd64-2', 'eu-arm64-1', 'eu-arm64-2']);
  cluster.api.patch(R.daemonsets, 'kube-system', 'agent', 'strategic', { spec: { template: { spec: { containers: [{ name: 'a', image: 'agent:2' }] } } } });
  let maxUnavailable = 0;
  cluster.store.subscribe(() => { maxUnavailable = Math.max(maxUnavailable, 4 - cluster.store.list(R.pods, 'kube-system').filter((p) => isActive(p) && isReady(p)).length); });
  runUntil(() => status().updatedNumberScheduled === 4 && status().numberAvailable === 4);
  t.equal(maxUnavailable, 1, 'maxUnavailable 1 holds');
});
