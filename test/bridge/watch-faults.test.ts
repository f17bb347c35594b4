// The bridge against every watch fault the simulator can inject: a silently dropped watch, reset
// connections, 5xx and 429 answers, expired history (410), a stalled stream, an API server that
// restarts with its resourceVersion kept or reset. After each, the board's model must equal the
// truth in the simulator within 2 s of the fault ending: no ghost pods, no lost pods.
import t from 'tap';
import type { Test } from 'tap';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { Bridge } from '../../bridge/controller.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { POD_STATE } from '../../protocol/index.ts';
import { MemoryTransport } from '../link/memory-transport.ts';
import type { ReferenceBoard } from '../link/reference-board.ts';

const CONVERGE_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const running = { phase: 'Running', conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] };

let serial = 0;
function addPod(sim: SimCluster): string {
  const name = `pod-${serial++}`;
  sim.api.create(R.pods, { metadata: { name, namespace: 'default', labels: { blinkt: 'show' } }, spec: { nodeName: 'eu-amd64-1', containers: [{ name: 'c', image: 'x' }] } } as never);
  sim.api.patch(R.pods, 'default', name, 'merge', { status: running }, { subresource: 'status' });
  return name;
}

function truth(sim: SimCluster): number {
  return sim.api.list(R.pods, {}).items.filter((p) => (p as { metadata: { labels?: Record<string, string> } }).metadata.labels?.blinkt === 'show').length;
}

function onBoard(board: ReferenceBoard): { total: number; running: number } {
  const pods = Object.values(board.state?.pods ?? {});
  return { total: pods.length, running: pods.filter((p) => p.state === POD_STATE.RUNNING).length };
}

/** Waits until every reflector of the bridge has its watch open on the server. */
async function watchesOpen(sim: SimCluster): Promise<void> {
  for (let i = 0; i < 250 && sim.watches.size < 6; i++) await sleep(20);
}

async function converges(t: Test, sim: SimCluster, board: ReferenceBoard, label: string): Promise<void> {
  const start = Date.now();
  for (;;) {
    const want = truth(sim);
    const got = onBoard(board);
    if (got.total === want && got.running === want) {
      t.pass(`${label}: board equals the truth (${want} pods) after ${Date.now() - start} ms`);
      return;
    }
    if (Date.now() - start > CONVERGE_MS) {
      t.fail(`${label}: board has ${got.total} pods (${got.running} running), truth ${want}, after ${CONVERGE_MS} ms`);
      return;
    }
    await sleep(20);
  }
}

t.test('watch faults', async (t) => {
  const sim = new SimCluster({ name: 'eu', controllers: false, watch: { bookmarkIntervalMs: 200, futureRvWaitMs: 200 } });
  await sim.start();
  t.teardown(() => sim.stop());
  const [source] = fromKubeconfig({ text: kubeconfigText([{ name: 'eu', url: sim.url }]) });
  const transport = new MemoryTransport();
  const bridge = new Bridge({
    clusters: [source],
    transports: [transport],
    boards: [],
    boardDefaults: loadConfig({ env: {} }).boardDefaults,
    flushMs: 20,
    watch: { probeAfterMs: 700, backoffMinMs: 50, backoffMaxMs: 250, unreachableAfterMs: 10_000 },
  });
  await bridge.start();
  t.teardown(() => bridge.stop());
  const board = transport.connect('desk-1');
  for (let i = 0; i < 5; i++) addPod(sim);
  await converges(t, sim, board, 'start');

  const churn = () => {
    const names = sim.api.list(R.pods, {}).items.map((p) => (p as { metadata: { name: string } }).metadata.name);
    sim.api.delete(R.pods, 'default', names[0], { gracePeriodSeconds: 0 } as never);
    addPod(sim);
    addPod(sim);
  };

  const podWatch = () => bridge.clusters[0].statuses().find((s) => s.path === '/api/v1/pods')!.counters;
  const watchdogBefore = podWatch().deadWatches;
  await watchesOpen(sim);
  const dropped = sim.faults.dropWatches();
  t.ok(dropped > 0, `dropped ${dropped} watches`);
  churn();
  await converges(t, sim, board, 'silently dropped watches (no FIN)');
  t.ok(podWatch().deadWatches > watchdogBefore, 'the probe found the silent watch');

  await watchesOpen(sim);
  sim.faults.resetConnections();
  churn();
  await converges(t, sim, board, 'connections reset');

  sim.faults.failNext({ status: 500, count: 4 });
  sim.faults.failNext({ status: 429, count: 4, retryAfterSeconds: 1 });
  sim.faults.resetConnections();
  churn();
  await sleep(100);
  sim.faults.clear();
  await converges(t, sim, board, '5xx and 429 answers');

  await watchesOpen(sim);
  churn();
  sim.faults.expireHistory({ closeWatches: true });
  churn();
  await converges(t, sim, board, 'expired history (410)');

  await watchesOpen(sim);
  const stalled = sim.faults.stallWatches();
  t.ok(stalled > 0, `stalled ${stalled} watches`);
  churn();
  await converges(t, sim, board, 'stalled stream (the probe replaces the watch)');
  sim.faults.resumeWatches();

  await sim.restartServer({ resetResourceVersion: false, downMs: 300 });
  churn();
  await converges(t, sim, board, 'restart keeping the resourceVersion');

  await sim.restartServer({ resetResourceVersion: true, downMs: 300 });
  churn();
  await converges(t, sim, board, 'restart resetting the resourceVersion');

  const counters = bridge.clusters[0].statuses().find((s) => s.path === '/api/v1/pods')!.counters;
  t.ok(counters.deadWatches > 0, `dead watches were found (${counters.deadWatches})`);
  t.ok(counters.expired > 0, `a 410 led to a relist (${counters.expired})`);
  t.ok(counters.errors > 0, `errors were counted (${counters.errors})`);
});
