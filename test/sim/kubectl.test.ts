// The real kubectl against the simulator: get -w streams, apply of the demo manifests, scale,
// set image + rollout status (RollingUpdate and Recreate), delete. Skipped only without kubectl.
import t from 'tap';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { writeKubeconfig } from '../../bridge/sim/kubeconfig.ts';
import { R } from '../../bridge/sim/resources.ts';
import { until } from './helpers.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
const NS = 'podlights-demo';

t.test('kubectl against the simulator', { skip: hasKubectl ? false : 'kubectl not found on PATH' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-sim-kubectl-'));
  const cluster = new SimCluster({ name: 'eu', speed: 20 });
  await cluster.start();
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, [{ name: 'eu', url: cluster.url }]);
  t.teardown(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const kubectl = (...args: string[]) => new Promise<string>((resolve, reject) => {
    execFile('kubectl', args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });

  t.test('get nodes shows the hybrid cluster', async (t) => {
    const out = await kubectl('get', 'nodes', '-L', 'kubernetes.io/arch');
    t.equal(out.trim().split('\n').length, 5);
    t.match(out, /eu-arm64-1\s+Ready\s+<none>\s+\S+\s+v1\.32\.0\s+arm64/);
    t.match(await kubectl('version'), /Server Version: v1\.32\.0-podlights-sim/);
  });

  t.test('create namespace (a protobuf body) and apply the demo manifests', async (t) => {
    t.match(await kubectl('create', 'namespace', 'scratch'), /namespace\/scratch created/);
    t.match(await kubectl('apply', '-f', 'deploy/demo/namespace.yaml', '-f', 'deploy/demo/rolling-v1.yaml'), /deployment.apps\/rolling-demo created/);
    t.match(await kubectl('-n', NS, 'rollout', 'status', 'deployment/rolling-demo', '--timeout=60s'), /successfully rolled out/);
    t.match(await kubectl('apply', '-f', 'deploy/demo/rolling-v1.yaml'), /unchanged/, 'a second apply changes nothing');
  });

  t.test('get pods -w streams changes', async (t) => {
    const watcher = spawn('kubectl', ['-n', NS, 'get', 'pods', '-w', '--no-headers'], { env });
    let out = '';
    watcher.stdout.on('data', (d) => { out += d; });
    t.teardown(() => { watcher.kill(); });
    await until(() => out.split('\n').filter((l) => l.includes('rolling-demo')).length >= 6, 10_000, () => 'the initial list');
    const before = out.length;
    await kubectl('-n', NS, 'scale', 'deployment/rolling-demo', '--replicas=8');
    await until(() => /ContainerCreating/.test(out.slice(before)) && /Running/.test(out.slice(before)), 15_000, () => `new pods in the stream: ${out.slice(before)}`);
    t.pass('new pods appear in the watch as they start');
    await kubectl('-n', NS, 'rollout', 'status', 'deployment/rolling-demo', '--timeout=60s');
  });

  t.test('set image then rollout status: RollingUpdate', async (t) => {
    await kubectl('-n', NS, 'set', 'image', 'deployment/rolling-demo', 'app=nginx:1.27-alpine');
    const out = await kubectl('-n', NS, 'rollout', 'status', 'deployment/rolling-demo', '--timeout=60s');
    t.match(out, /deployment "rolling-demo" successfully rolled out/);
    const images = cluster.store.list(R.pods, NS).filter((p) => p.metadata.labels?.app === 'rolling-demo' && !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image);
    t.same([...new Set(images)], ['nginx:1.27-alpine']);
    t.match(await kubectl('-n', NS, 'rollout', 'history', 'deployment/rolling-demo'), /1\s+<none>\n2\s+<none>/);
  });

  t.test('apply v2 and rollout status: Recreate', async (t) => {
    await kubectl('apply', '-f', 'deploy/demo/recreate-v1.yaml');
    await kubectl('-n', NS, 'rollout', 'status', 'deployment/recreate-demo', '--timeout=60s');
    await kubectl('apply', '-f', 'deploy/demo/recreate-v2.yaml');
    t.match(await kubectl('-n', NS, 'rollout', 'status', 'deployment/recreate-demo', '--timeout=60s'), /successfully rolled out/);
    t.match(await kubectl('-n', NS, 'get', 'deployment', 'recreate-demo', '-o', 'jsonpath={.spec.strategy.type} {.spec.template.metadata.labels.blinktColor}'), 'Recreate 00b4ff');
  });

  t.test('scale and delete', async (t) => {
    await kubectl('-n', NS, 'scale', 'deployment/rolling-demo', '--replicas=2');
    await until(() => cluster.store.list(R.pods, NS).filter((p) => p.metadata.labels?.app === 'rolling-demo').length === 2, 15_000, () => '2 pods');
    t.match(await kubectl('delete', '-f', 'deploy/demo/rolling-v2.yaml'), /deployment.apps "rolling-demo" deleted/);
    await until(() => cluster.store.list(R.pods, NS).every((p) => p.metadata.labels?.app !== 'rolling-demo'), 15_000, () => 'the pods to go');
    t.match(await kubectl('-n', NS, 'get', 'deploy'), /recreate-demo/);
    await t.rejects(kubectl('-n', NS, 'get', 'deploy', 'rolling-demo'), /NotFound/);
  });
});
