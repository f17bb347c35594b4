// The bridge end to end against the simulator, with the real client-node: a deployment labelled
// the seed's way appears on a board, scales, and survives an API server restart; an unreachable
// cluster shows as such on its lane.
import t from 'tap';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { HEALTH, POD_STATE } from '../../protocol/index.ts';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { Bridge } from '../../bridge/controller.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { MemoryTransport } from '../link/memory-transport.ts';

async function until<T>(what: string, fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function deployment(name: string, replicas: number, color: string) {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, blinkt: 'show', blinktColor: color } },
        spec: { containers: [{ name: 'web', image: `demo/${name}:1` }] },
      },
    },
  };
}

t.test('a labelled deployment reaches the board and follows scaling', async (t) => {
  const sim = new SimCluster({ name: 'eu', speed: 20 });
  await sim.start();
  t.teardown(() => sim.stop());
  const text = kubeconfigText([{ name: 'eu', url: sim.url }]);
  const [source] = fromKubeconfig({ text });
  const transport = new MemoryTransport();
  const config = loadConfig({ env: {} });
  const bridge = new Bridge({
    clusters: [source],
    transports: [transport],
    boards: [],
    boardDefaults: config.boardDefaults,
    flushMs: 20,
    watch: { backoffMinMs: 100, backoffMaxMs: 500, unreachableAfterMs: 1000 },
  });
  await bridge.start();
  t.teardown(() => bridge.stop());
  const board = transport.connect('desk-1');
  // The test drives the simulator with client-node's API client (the bridge does not load it).
  const kc = new KubeConfig();
  kc.loadFromString(text);
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 3, 'ffff00') as never });
  const running = (n: number) => () => {
    const pods = Object.values(board.state?.pods ?? {});
    return pods.length === n && pods.every((p) => p.state === POD_STATE.RUNNING);
  };
  await until('3 running pods on the board', running(3));
  const group = Object.values(board.state!.groups)[0];
  t.same([group.r, group.g, group.b], [255, 255, 0], "the seed's blinktColor");
  await apps.patchNamespacedDeploymentScale(
    { namespace: 'default', name: 'web', body: { spec: { replicas: 5 } } },
    { headers: { 'Content-Type': 'application/merge-patch+json' } } as never,
  ).catch(async () => {
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    d.spec!.replicas = 5;
    await apps.replaceNamespacedDeployment({ namespace: 'default', name: 'web', body: d });
  });
  await until('5 running pods', running(5));
  t.pass('scaled to 5');

  // The API server goes away: the lane turns unreachable; it comes back: healthy, state intact.
  const lane = Number(Object.keys(board.state!.lanes)[0]);
  await sim.restartServer({ resetResourceVersion: true, downMs: 2500 });
  await until('healthy again after the restart', () => board.state?.clusters[lane] === HEALTH.HEALTHY, 20_000);
  await until('5 running pods after the restart', running(5));
  t.ok(bridge.clusters[0].statuses().some((s) => s.counters.lists > 1), 'relisted');
});
