// Nodes on a real control plane: cordon and uncordon, drain, a node whose kubelet dies (kwok
// stops its lease; the node lifecycle controller marks it NotReady and its pods not ready), its
// return, and a dead node deleted while its pods are still bound to it. After each step every
// board equals the API server: lanes, pods, and each lane's health.
import t from 'tap';
import { POD_STATE } from '../../protocol/index.ts';
import { step } from './converge.ts';
import { allRunning, deployment } from './manifests.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const WEB = 'Deployment/default/web';
const [RUNNING, NOT_READY] = [POD_STATE.RUNNING, POD_STATE.NOT_READY];

t.test('nodes on a real API server', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  const cluster = await realCluster(t, { nodeGraceSeconds: 20 });
  const rig = await bridgeOn(t, cluster.kubeconfig);
  const kubectl = (...args: string[]) => cluster.kubectl(...args);
  await step(t, cluster, rig, 'a deployment over four nodes (8 replicas)', () => kubectl('apply', '-f', cluster.writeFile('web.yaml', deployment('web', { replicas: 8, color: 'ffff00' }))), {
    settled: allRunning(WEB, 8),
    settledWhat: '8 web pods running',
    noDeletes: true,
    noRollout: true,
  });

  await step(t, cluster, rig, 'kubectl cordon', () => kubectl('cordon', 'kwok-amd64-1'), {
    settled: (truth) => truth.nodes.get('kwok-amd64-1')?.cordoned === true,
    settledWhat: 'kwok-amd64-1 unschedulable',
    noDeletes: true,
    noRollout: true,
  });
  await step(t, cluster, rig, 'kubectl uncordon', () => kubectl('uncordon', 'kwok-amd64-1'), {
    settled: (truth) => truth.nodes.get('kwok-amd64-1')?.cordoned === false,
    settledWhat: 'kwok-amd64-1 schedulable',
    noDeletes: true,
    noRollout: true,
  });

  await step(t, cluster, rig, 'kubectl drain', () => kubectl('drain', 'kwok-amd64-2', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'), {
    settled: (truth) => allRunning(WEB, 8)(truth) && truth.pods.every((p) => p.node !== 'kwok-amd64-2'),
    settledWhat: '8 web pods running, none on the drained node',
    noRollout: true,
  });
  await kubectl('uncordon', 'kwok-amd64-2');

  // The node lifecycle controller needs its grace period to notice a silent node.
  const readiness = (name: string, action: () => Promise<unknown>, node: string, ready: boolean, noDeletes = true) =>
    step(t, cluster, rig, name, action, {
      // Back: its kubelet reports its pods Ready again too (kwok, see cluster.ts).
      settled: (truth) => truth.nodes.get(node)?.ready === ready && (!ready || truth.pods.every((p) => p.node !== node || p.state === RUNNING)),
      settledWhat: `${node} ${ready ? 'Ready with its pods' : 'NotReady'}`,
      deadlineMs: 240_000,
      noDeletes,
      noRollout: true,
    });
  await readiness('node NotReady (its kubelet stops)', () => cluster.killKubelet('kwok-arm64-1'), 'kwok-arm64-1', false);
  await readiness('node Ready again', () => cluster.reviveKubelet('kwok-arm64-1'), 'kwok-arm64-1', true);

  // A node dies and is deleted: its pods stay bound to it until the pod garbage collector
  // removes them; meanwhile its lane must not look healthy.
  await readiness('a dead node NotReady', () => cluster.killKubelet('kwok-arm64-2'), 'kwok-arm64-2', false, false);
  await step(t, cluster, rig, 'kubectl delete node (pods still bound to it)', () => kubectl('delete', 'node', 'kwok-arm64-2', '--wait=true'), {
    settled: (truth) => !truth.nodes.has('kwok-arm64-2') && truth.pods.some((p) => p.node === 'kwok-arm64-2'),
    settledWhat: 'kwok-arm64-2 gone, pods still bound to it',
    fleeting: true,
  });
  await step(t, cluster, rig, 'the deleted node\'s pods collected and replaced', async () => {}, {
    // kwok does not make the pods of a node that came back Ready again (a kubelet would), so
    // those stay NotReady: the truth says so, and so must the board.
    settled: (truth) => {
      const web = truth.pods.filter((p) => p.workload === WEB);
      return web.length === 8 && web.every((p) => p.node !== undefined && p.node !== 'kwok-arm64-2' && (p.state === RUNNING || p.state === NOT_READY));
    },
    settledWhat: 'no pod left on the deleted node, 8 web pods placed',
    deadlineMs: 240_000,
  });
});
