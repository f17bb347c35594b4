// Our Pod Security check (test/deploy/pod-security.ts) against the real thing: the PodSecurity
// admission of a real kube-apiserver (test/real-k8s) decides, by server-side dry run, which
// namespace level (restricted, baseline, privileged) admits each test pod and each pod template
// of every kustomization; our check must agree on every one. Skips without the real binaries.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { render } from './kustomize.ts';
import { realCluster, skipReason, FILE_TIMEOUT_MS } from '../real-k8s/setup.ts';
import type { RealCluster } from '../real-k8s/cluster.ts';
import { levelOf, podOf, violations } from './pod-security.ts';
import type { Level } from './pod-security.ts';
import { CASES, restrictedPod } from './pod-security-cases.ts';
import type { TestPod } from './pod-security-cases.ts';

const LEVELS: Level[] = ['restricted', 'baseline', 'privileged'];


/** The strictest level whose namespace admits the pod, per the API server; or its validation error. */
async function serverLevel(cluster: RealCluster, pod: TestPod, name: string): Promise<Level | string> {
  for (const level of LEVELS) {
    const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { ...pod.metadata, name, namespace: `psa-${level}` }, spec: pod.spec };
    const file = cluster.writeFile(`${name}.json`, JSON.stringify(manifest));
    try {
      await cluster.kubectl('create', '--dry-run=server', '-f', file);
      return level;
    } catch (err) {
      const message = (err as Error).message;
      if (!/violates PodSecurity/.test(message)) return `not admitted for another reason: ${message.slice(0, 300)}`;
    }
  }
  return 'admitted nowhere';
}

t.test('our check agrees with the PodSecurity admission of a real API server', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  const cluster = await realCluster(t);
  for (const level of LEVELS) {
    await cluster.kubectl('create', 'namespace', `psa-${level}`);
    await cluster.kubectl('label', 'namespace', `psa-${level}`, `pod-security.kubernetes.io/enforce=${level}`);
  }
  for (const level of LEVELS) await cluster.kubectl('create', 'serviceaccount', 'podlights-bridge', '-n', `psa-${level}`);

  t.test('every control, broken one at a time', async (t) => {
    t.equal(await serverLevel(cluster, restrictedPod(), 'ok'), 'restricted', 'the reference pod');
    let i = 0;
    for (const [what, , , breakIt] of CASES) {
      const pod = restrictedPod();
      breakIt(pod);
      const server = await serverLevel(cluster, pod, `case-${i++}`);
      if (!LEVELS.includes(server as Level)) {
        // A pod the API itself refuses says nothing about admission: shown, not compared. (This
        // control plane runs without --allow-privileged, and hostProcess needs a Windows pod.)
        t.comment(`${what}: ${server}`);
        continue;
      }
      t.equal(levelOf(pod), server, `${what}: the server says ${server}`);
    }
  });

  t.test('every kustomization', async (t) => {
    const dirs = ['deploy/base', ...readdirSync('deploy/overlays').map((d) => `deploy/overlays/${d}`)];
    let i = 0;
    for (const dir of dirs) {
      for (const doc of render(dir)) {
        const pod = podOf(doc);
        if (!pod) continue;
        const server = await serverLevel(cluster, pod, `kust-${i++}`);
        const ours = levelOf(pod);
        t.equal(ours, server, `${dir} ${doc.kind}/${doc.metadata.name}: server ${server}, ours ${ours} ${JSON.stringify(violations(pod).map((v) => v.control))}`);
      }
    }
  });
});
