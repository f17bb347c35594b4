// The bridge against a real control plane (Kubernetes built by tools/real-k8s/build.sh, nodes
// and pods by kwok), driven by the real kubectl: create, scale up and down, a rolling update
// caught mid-way, its end, rollout undo, a deleted pod, StatefulSet and DaemonSet updates, and a
// pod no node can take. After each step every board equals `kubectl get ... -o json`.
import t from 'tap';
import { POD_STATE } from '../../protocol/index.ts';
import { step } from './converge.ts';
import { allRunning, daemonSet, deployment, statefulSet } from './manifests.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const WEB = 'Deployment/default/web';
const RUNNING = POD_STATE.RUNNING;

t.test('workloads on a real API server', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  const cluster = await realCluster(t);
  const rig = await bridgeOn(t, cluster.kubeconfig);
  const kubectl = (...args: string[]) => cluster.kubectl(...args);
  const apply = (name: string, yaml: string) => kubectl('apply', '-f', cluster.writeFile(name, yaml));
  /** A kubectl change, then `kubectl rollout status` of the workload until it is done. */
  const rollout = (workload: string, ...change: string[]) => async () => {
    await kubectl(...change);
    await kubectl('rollout', 'status', workload, '--timeout=120s');
  };

  await step(t, cluster, rig, 'create a deployment (3 replicas)', () => apply('web.yaml', deployment('web', { replicas: 3, color: 'ffff00', minReadySeconds: 1 })), {
    settled: allRunning(WEB, 3),
    settledWhat: '3 web pods running',
    noDeletes: true,
    noRollout: true,
  });
  await step(t, cluster, rig, 'kubectl scale --replicas=6', () => kubectl('scale', 'deployment/web', '--replicas=6'), {
    settled: allRunning(WEB, 6),
    settledWhat: '6 web pods running',
    noDeletes: true,
    noRollout: true,
  });
  await step(t, cluster, rig, 'kubectl scale --replicas=4', () => kubectl('scale', 'deployment/web', '--replicas=4'), {
    settled: allRunning(WEB, 4),
    settledWhat: '4 web pods running',
    noRollout: true,
  });

  // A rolling update caught mid-way: paused right after the template change, with old and new
  // pods side by side (minReadySeconds keeps it from finishing at once).
  let mixed = false;
  await step(
    t,
    cluster,
    rig,
    'kubectl set image, paused mid-rollout',
    async () => {
      await kubectl('set', 'image', 'deployment/web', 'web=demo/web:2');
      await kubectl('rollout', 'pause', 'deployment/web');
    },
    {
      settled: (truth) => {
        const pods = truth.pods.filter((p) => p.workload === WEB);
        mixed = new Set(pods.map((p) => p.revision)).size > 1;
        return pods.length > 0 && pods.every((p) => p.state === RUNNING);
      },
      settledWhat: 'web pods running (paused)',
    },
  );
  t.comment(mixed ? 'the pause caught old and new pods side by side' : 'the rollout had finished before the pause (nothing mid-way to check)');
  await step(t, cluster, rig, 'kubectl rollout resume + status', rollout('deployment/web', 'rollout', 'resume', 'deployment/web'), {
    settled: allRunning(WEB, 4),
    settledWhat: '4 web pods of the new revision',
  });
  await step(t, cluster, rig, 'kubectl rollout undo', rollout('deployment/web', 'rollout', 'undo', 'deployment/web'), {
    settled: allRunning(WEB, 4),
    settledWhat: '4 web pods of revision 3',
  });
  await step(
    t,
    cluster,
    rig,
    'kubectl delete pod',
    async () => {
      const name = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
      await kubectl('delete', 'pod', name, '--wait=true');
    },
    { settled: allRunning(WEB, 4), settledWhat: '4 web pods running again', noRollout: true },
  );

  await step(t, cluster, rig, 'StatefulSet create (3 replicas)', () => apply('db.yaml', statefulSet('db', 3, '00ff00')), {
    settled: allRunning('StatefulSet/default/db', 3),
    settledWhat: '3 db pods running',
    noDeletes: true,
    noRollout: true,
  });
  await step(t, cluster, rig, 'StatefulSet rolling update', rollout('statefulset/db', 'set', 'image', 'statefulset/db', 'db=demo/db:2'), {
    settled: allRunning('StatefulSet/default/db', 3),
    settledWhat: '3 db pods of the new revision',
  });

  await step(t, cluster, rig, 'DaemonSet create (one pod per node)', () => apply('agent.yaml', daemonSet('agent', '0000ff')), {
    settled: allRunning('DaemonSet/default/agent', cluster.nodes.length),
    settledWhat: 'an agent pod running on every node',
    noDeletes: true,
    noRollout: true,
  });
  await step(t, cluster, rig, 'DaemonSet rolling update', rollout('daemonset/agent', 'set', 'image', 'daemonset/agent', 'agent=demo/agent:2'), {
    settled: allRunning('DaemonSet/default/agent', cluster.nodes.length),
    settledWhat: 'agent pods of the new revision everywhere',
  });

  // A pod no node can take (no s390x node): Pending for good, in no node's lane.
  await step(
    t,
    cluster,
    rig,
    'a pod no node can take',
    () => apply('stuck.yaml', deployment('stuck', { replicas: 1, color: 'ff0000', nodeSelector: { 'kubernetes.io/arch': 's390x' }, seedLabels: false })),
    {
      settled: (truth) => truth.pods.some((p) => p.workload === 'Deployment/default/stuck' && p.node === undefined),
      settledWhat: 'the stuck pod pending',
      noDeletes: true,
      noRollout: true,
    },
  );
});
