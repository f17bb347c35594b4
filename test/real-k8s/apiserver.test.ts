// The API server itself: restarted under the bridge, and a 410 Gone forced by compacting etcd.
// This control plane serves watches straight from etcd (--watch-cache=false), so a watch resumed
// from a compacted resourceVersion gets the 410 a real client must handle by relisting.
import t from 'tap';
import { step } from './converge.ts';
import { allRunning, deployment } from './manifests.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const WEB = 'Deployment/default/web';

t.test('API server restart and a compacted history', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  // The controller manager's default grace (50 s): nodes whose heartbeats stop only while the API
  // server restarts must not be declared NotReady.
  const cluster = await realCluster(t, { watchCache: false, nodeGraceSeconds: 50 });
  const rig = await bridgeOn(t, cluster.kubeconfig);
  const kubectl = (...args: string[]) => cluster.kubectl(...args);
  const expired = () => rig.running.bridge.clusters.flatMap((c) => c.statuses()).reduce((n, s) => n + s.counters.expired, 0);

  await step(t, cluster, rig, 'a deployment (4 replicas) before the restart', () => kubectl('apply', '-f', cluster.writeFile('web.yaml', deployment('web', { replicas: 4, color: 'ffff00' }))), {
    settled: allRunning(WEB, 4),
    settledWhat: '4 web pods running',
  });

  await step(
    t,
    cluster,
    rig,
    'kube-apiserver restart, then kubectl scale',
    async () => {
      await cluster.restartApiserver(3000);
      await kubectl('scale', 'deployment/web', '--replicas=6');
    },
    {
      settled: allRunning(WEB, 6),
      settledWhat: '6 web pods running',
      also: async () => {
        const r = await rig.readyz();
        return r.status === 200 ? [] : [`/readyz answers ${r.status} after the restart: ${r.body.trim()}`];
      },
    },
  );

  // Writes that are no pods move etcd's revision past every resourceVersion the bridge holds;
  // the compaction then removes them. The restart makes every watch resume from one of them.
  const expiredBefore = expired();
  const logsBefore = rig.logs.length;
  const configMaps = Array.from({ length: 40 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: churn-${i}, namespace: default }\ndata: { i: "${i}" }\n`).join('---\n');
  await step(
    t,
    cluster,
    rig,
    '410 Gone after etcd compaction, then kubectl scale',
    async () => {
      await kubectl('apply', '-f', cluster.writeFile('churn.yaml', configMaps));
      await cluster.restartApiserver(1000, async () => {
        const rev = await cluster.compact();
        t.comment(`etcd compacted at revision ${rev}`);
      });
      await kubectl('scale', 'deployment/web', '--replicas=3');
    },
    {
      settled: allRunning(WEB, 3),
      settledWhat: '3 web pods running',
      also: () => {
        const problems: string[] = [];
        if (expired() <= expiredBefore) problems.push('no watch of the bridge saw a 410 (counters.expired did not move)');
        const said = rig.logs.slice(logsBefore).filter((l) => /410|expired|too old|compacted|relist/i.test(l));
        if (said.length === 0) problems.push('the 410 and the relist that followed were not logged');
        return problems;
      },
    },
  );
});
