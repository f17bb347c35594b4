// The real @kubernetes/client-node informer (list + watch) against the simulator: it must see
// exactly what the simulator did, through relists after 410 and across server restarts.
import t from 'tap';
import { CoreV1Api, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';
import { deployment, kubeConfigFor, until } from './helpers.ts';

function mirror(c: SimCluster) {
  const kc = kubeConfigFor(c);
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
  const seen = new Map<string, string>();
  const counts = { add: 0, update: 0, delete: 0, connect: 0, error: 0 };
  informer.on('add', (p) => { counts.add++; seen.set(String(p.metadata?.name), String(p.metadata?.resourceVersion)); });
  informer.on('update', (p) => { counts.update++; seen.set(String(p.metadata?.name), String(p.metadata?.resourceVersion)); });
  informer.on('delete', (p) => { counts.delete++; seen.delete(String(p.metadata?.name)); });
  informer.on('connect', () => { counts.connect++; });
  const errors: unknown[] = [];
  return { informer, seen, counts, errors };
}

function inSync(c: SimCluster, seen: Map<string, string>): boolean {
  const pods = c.store.list(R.pods, 'default');
  return pods.length === seen.size && pods.every((p) => seen.get(String(p.metadata.name)) === p.metadata.resourceVersion);
}

t.test('client-node informer follows the simulator', async (t) => {
  const c = new SimCluster({ name: 'eu', speed: 50, historySize: 5000, watch: { futureRvWaitMs: 100 } });
  await c.start();
  t.teardown(() => c.stop());
  const m = mirror(c);
  let restartOnError = true;
  m.informer.on('error', (err) => {
    m.counts.error++;
    m.errors.push(err);
    // What client-node's docs ask of users: restart after an error.
    if (restartOnError) setTimeout(() => { m.informer.start().catch(() => {}); }, 50);
  });
  t.teardown(() => { restartOnError = false; return m.informer.stop(); });
  await m.informer.start();

  c.api.create(R.deployments, deployment('web', { replicas: 3 }));
  await until(() => c.api.get(R.deployments, 'default', 'web').status?.availableReplicas === 3 && inSync(c, m.seen), 10_000, () => 'the informer to see 3 ready pods');
  t.equal(m.seen.size, 3);
  t.ok(m.counts.update > 0, 'status changes arrive as updates');

  // 410: the history expires under an open watch; the informer must relist.
  const connects = m.counts.connect;
  c.faults.expireHistory();
  c.api.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 5 } });
  await until(() => m.counts.connect > connects && c.store.list(R.pods, 'default').filter((p) => p.status?.phase === 'Running').length === 5 && inSync(c, m.seen), 10_000, () => 'a relist after 410');
  t.pass('relisted after 410 Expired and caught up');

  // Restart keeping the resourceVersion: changes made while the server is down come from history.
  const restart = c.restartServer({ downMs: 200 });
  c.api.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 2 } });
  await restart;
  await until(() => inSync(c, m.seen) && m.seen.size === 2 && c.store.list(R.pods, 'default').length === 2, 15_000, () => 'the informer to catch up after a restart');
  t.pass('caught up after a restart with the resourceVersion kept');

  // Restart with a reset resourceVersion: the old informer's version is now in the future and
  // every watch gets 504 ResourceVersionTooLarge, as from a cluster restored from backup.
  // Like client-go's reflector, a client must then list afresh: here, a new informer.
  restartOnError = false;
  await m.informer.stop();
  const before = m.counts.error;
  await c.restartServer({ resetResourceVersion: true });
  await m.informer.start();
  await until(() => m.counts.error > before, 5000, () => 'a 504 for the future resourceVersion');
  t.match(m.errors.at(-1), { statusCode: 504 });
  await m.informer.stop();
  const fresh = mirror(c);
  fresh.informer.on('error', (err) => fresh.errors.push(err));
  t.teardown(() => fresh.informer.stop());
  await fresh.informer.start();
  c.api.patch(R.deployments, 'default', 'web', 'merge', { spec: { replicas: 4 } });
  await until(() => c.store.list(R.pods, 'default').filter((p) => p.status?.phase === 'Running').length === 4 && inSync(c, fresh.seen), 15_000, () => 'a fresh informer after the reset');
  t.same(fresh.errors, []);
});
