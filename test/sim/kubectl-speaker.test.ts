// What a speaker types on stage, with the real kubectl against the simulator (issue 11, items
// 12 and 13): `create deployment` (a protobuf body) makes the same Deployment kubectl renders
// itself; Events are there in core/v1 and events.k8s.io/v1; `logs` answers, `exec` says why it
// cannot; `rollout undo` reuses the old ReplicaSet (revisions 2, 3 like a real cluster).
import t from 'tap';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { writeKubeconfig } from '../../bridge/sim/kubeconfig.ts';
import { R } from '../../bridge/sim/resources.ts';
import { rolledOut } from '../../bridge/sim/scenarios/helpers.ts';
import { until } from './helpers.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

t.test('kubectl as a speaker uses it', { skip: hasKubectl ? false : 'kubectl not found on PATH' }, async (t) => {
  const dir = t.testdir({});
  const cluster = new SimCluster({ name: 'eu', speed: 20 });
  await cluster.start();
  t.teardown(() => cluster.stop());
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, [{ name: 'eu', url: cluster.url }]);
  const env = { PATH: process.env.PATH, KUBECONFIG: kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile('kubectl', args, { env, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as any).code ?? 1) : 0, out: stdout, err: stderr }));
    });
  const ready = (name: string) => until(() => rolledOut(cluster, name, 'default'), 30_000);

  await t.test('create deployment sends protobuf; the object is what kubectl itself renders', async (t) => {
    const created = await kubectl('create', 'deployment', 'web', '--image=nginx:1.27-alpine', '--replicas=3', '--port=80');
    t.equal(created.code, 0, created.err);
    const local = JSON.parse((await kubectl('create', 'deployment', 'web', '--image=nginx:1.27-alpine', '--replicas=3', '--port=80', '--dry-run=client', '-o', 'json')).out);
    const stored = cluster.store.get(R.deployments, 'default', 'web')!;
    t.same(stored.metadata.labels, local.metadata.labels, 'labels');
    t.equal(stored.spec.replicas, 3);
    t.same(stored.spec.selector, local.spec.selector, 'selector');
    t.same(stored.spec.template.metadata.labels, local.spec.template.metadata.labels, 'template labels');
    const [c] = stored.spec.template.spec.containers;
    t.match(c, { name: local.spec.template.spec.containers[0].name, image: 'nginx:1.27-alpine', ports: [{ containerPort: 80 }] });
    t.equal(stored.spec.strategy.type, 'RollingUpdate', 'an empty strategy is defaulted, not refused');
    await ready('web');
  });

  await t.test('events are served like a real cluster records them', async (t) => {
    await until(() => cluster.store.list(R.events).some((e) => e.reason === 'Started'), 30_000);
    const all = await kubectl('get', 'events', '-A');
    t.equal(all.code, 0, all.err);
    for (const want of [/Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\w+ from 0 to 3/, /Normal\s+SuccessfulCreate\s+replicaset\/web-\w+\s+Created pod: web-/, /Normal\s+Scheduled\s+pod\/web-\S+\s+Successfully assigned default\/web-\S+ to eu-/, /Normal\s+Started\s+pod\/web-/]) t.match(all.out, want);
    t.notMatch(all.out, /No resources found/);
    const v1 = await kubectl('get', 'events.v1.events.k8s.io', '-A');
    t.match(v1.out, /ScalingReplicaSet/, 'events.k8s.io/v1 too');
    const events = await kubectl('events', '--for', 'deployment/web');
    t.match(events.out, /Scaled up replica set/, 'kubectl events');
  });

  await t.test('logs answer; exec says why it cannot', async (t) => {
    const logs = await kubectl('logs', 'deploy/web');
    t.equal(logs.code, 0, logs.err);
    t.match(logs.out, /Configuration complete; ready for start up/);
    const exec = await kubectl('exec', 'deploy/web', '--', 'ls');
    t.not(exec.code, 0);
    t.match(exec.err, /kubectl exec cannot work against the podlights simulator: its pods are simulated/);
    t.notMatch(exec.err, /NotFound/);
  });

  await t.test('rollout undo reuses the previous ReplicaSet', async (t) => {
    t.equal((await kubectl('set', 'image', 'deploy/web', 'nginx=nginx:1.26-alpine')).code, 0);
    await until(() => cluster.store.list(R.replicasets, 'default').length === 2 && rolledOut(cluster, 'web', 'default'), 30_000);
    const undo = await kubectl('rollout', 'undo', 'deploy/web');
    t.equal(undo.code, 0, undo.err);
    await until(() => rolledOut(cluster, 'web', 'default') && cluster.store.get(R.deployments, 'default', 'web')?.spec.template.spec.containers[0].image === 'nginx:1.27-alpine', 30_000);
    t.equal(cluster.store.list(R.replicasets, 'default').length, 2, 'no third ReplicaSet');
    const history = await kubectl('rollout', 'history', 'deploy/web');
    t.match(history.out, /REVISION\s+CHANGE-CAUSE\s+2\s+<none>\s+3\s+<none>\s*$/, 'revisions 2 and 3');
  });
});
