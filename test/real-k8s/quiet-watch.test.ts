// A quiet cluster must cost nothing: with watches served straight from etcd (no watch cache, so
// no bookmarks) and etcd compacted as the API server does periodically, a bridge that restarted
// quiet watches on a short watchdog resumed them from compacted resourceVersions and turned them
// into 410s and full relists. Watched past the 120 s that the old watchdog used, no reflector may
// list again, and the boards stay equal to the truth.
import t from 'tap';
import { record, step } from './converge.ts';
import { allRunning, deployment } from './manifests.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const QUIET_MS = 150_000;

t.test('a quiet cluster: no relist, no 410', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  // Grace as the controller manager's default, so nothing marks nodes NotReady meanwhile.
  const cluster = await realCluster(t, { watchCache: false, nodeGraceSeconds: 50 });
  const rig = await bridgeOn(t, cluster.kubeconfig);
  await step(t, cluster, rig, 'a deployment (2 replicas) before the quiet spell', () => cluster.kubectl('apply', '-f', cluster.writeFile('web.yaml', deployment('web', { replicas: 2, color: 'ffff00' }))), {
    settled: allRunning('Deployment/default/web', 2),
    settledWhat: '2 web pods running',
  });
  const counters = () => new Map(rig.running.bridge.clusters.flatMap((c) => c.statuses()).map((s) => [s.path, { ...s.counters }]));
  const before = counters();
  // What the API server does every 5 minutes on its own (--etcd-compaction-interval): compact
  // etcd. Writes to a type the bridge does not watch move the revision past every
  // resourceVersion the bridge holds first, so any watch it restarts from one of them gets 410.
  const started = Date.now();
  const configMaps = Array.from({ length: 20 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: quiet-${i}, namespace: default }\n`).join('---\n');
  await cluster.kubectl('apply', '-f', cluster.writeFile('quiet.yaml', configMaps));
  const rev = await cluster.compact();
  t.comment(`etcd compacted at revision ${rev}`);
  await new Promise((r) => setTimeout(r, Math.max(0, QUIET_MS - (Date.now() - started))));
  const after = counters();
  const problems: string[] = [];
  for (const [path, b] of before) {
    const a = after.get(path);
    if (!a) continue;
    if (a.lists > b.lists) problems.push(`${path}: listed ${a.lists - b.lists} more time(s) in a quiet ${QUIET_MS / 1000} s`);
    if (a.expired > b.expired) problems.push(`${path}: ${a.expired - b.expired} 410(s) in a quiet ${QUIET_MS / 1000} s`);
  }
  const ok = problems.length === 0;
  if (ok) t.pass(`quiet for ${QUIET_MS / 1000} s: no reflector listed again or saw a 410`);
  else t.fail('quiet watches relisted', { diagnostic: true, problems });
  record(`quiet for ${QUIET_MS / 1000} s: no relist`, ok, problems.join(' | '));
  await step(t, cluster, rig, 'kubectl scale after the quiet spell', () => cluster.kubectl('scale', 'deployment/web', '--replicas=3'), {
    settled: allRunning('Deployment/default/web', 3),
    settledWhat: '3 web pods running',
    noDeletes: true,
    noRollout: true,
  });
});
