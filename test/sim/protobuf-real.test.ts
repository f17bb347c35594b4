// `kubectl create deployment` sends its Deployment as protobuf; the simulator decodes it. Checked
// against a real kube-apiserver (test/real-k8s): the same command on both, and the stored
// Deployments' specs compared field by field after the server's defaults. Skips, with the
// command that builds them, when the real control plane's binaries are missing.
import t from 'tap';
import { kubectl, simWithKubeconfig } from '../bridge/harness.ts';
import { FILE_TIMEOUT_MS, realCluster, skipReason } from '../real-k8s/setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);

const COMMANDS: string[][] = [
  ['create', 'deployment', 'web', '--image=nginx:1.27-alpine', '--replicas=3', '--port=80'],
  ['create', 'deployment', 'multi', '--image=nginx:1.27-alpine', '--image=busybox:1.36'],
  ['create', 'deployment', 'cmd', '--image=busybox:1.36', '--', 'sleep', '3600'],
  ['create', 'deployment', 'zero', '--image=nginx:1.26-alpine', '--replicas=0'],
];

t.test('protobuf Deployments: the simulator stores what a real API server stores', { skip: skipReason() }, async (t) => {
  const real = await realCluster(t);
  const { sim, kubeconfig: simConfig } = await simWithKubeconfig(t.testdir({}));
  t.teardown(() => sim.stop());
  for (const args of COMMANDS) {
    const name = args[2];
    await kubectl(real.kubeconfig, ...args);
    await kubectl(simConfig, ...args);
    const spec = async (kubeconfig: string) => JSON.parse(await kubectl(kubeconfig, 'get', 'deployment', name, '-o', 'jsonpath={.spec}'));
    const [r, s] = [await spec(real.kubeconfig), await spec(simConfig)];
    t.same(s, r, `kubectl ${args.join(' ')}: the same spec`);
  }
});
