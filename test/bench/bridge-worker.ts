// One measurement of bench:bridge, in its own process so RSS belongs to one contender:
// `--mode podlights|baseline --pods N --updates M`. Prints one JSON line.
//   podlights: the real bridge (lean reflectors -> view -> link), frames to a counting transport.
//   baseline: the seed's way in the same harness: client-node's informer keeping full objects,
//             one JSON {"action","pod","color"} message per event.
import { CoreV1Api, makeInformer } from '@kubernetes/client-node';
import type { V1Pod } from '@kubernetes/client-node';
import { parseArgs } from 'node:util';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { Bridge } from '../../bridge/controller.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { MemoryTransport } from '../link/memory-transport.ts';

const { values } = parseArgs({ options: { mode: { type: 'string' }, pods: { type: 'string' }, updates: { type: 'string' } } });
const mode = values.mode as 'podlights' | 'baseline';
const podCount = Number(values.pods ?? 1000);
const updates = Number(values.updates ?? 5000);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rss = () => {
  gc();
  gc();
  return process.memoryUsage().rss;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const sim = new SimCluster({ name: 'eu', controllers: false, historySize: updates * 2 + podCount * 2 + 1000 });
await sim.start();
const nodes = ['node-a', 'node-b', 'node-c'];
const readyStatus = (ready: boolean) => ({
  phase: 'Running',
  conditions: [
    { type: 'PodScheduled', status: 'True' },
    { type: 'Ready', status: ready ? 'True' : 'False' },
  ],
  containerStatuses: [{ name: 'app', ready, restartCount: 0, image: 'demo/app:1', imageID: '', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } }],
});
for (let i = 0; i < podCount; i++) {
  const name = `app-${i}`;
  sim.api.create(R.pods, {
    metadata: { name, namespace: 'default', labels: { app: `app-${i % 20}`, blinkt: 'show', blinktColor: 'ffff00' } },
    spec: { nodeName: nodes[i % 3], containers: [{ name: 'app', image: 'demo/app:1' }] },
  } as never);
  sim.api.patch(R.pods, 'default', name, 'merge', { status: readyStatus(true) }, { subresource: 'status' });
}
const rssSim = rss();
const heapSim = process.memoryUsage().heapUsed;
const [source] = fromKubeconfig({ text: kubeconfigText([{ name: 'eu', url: sim.url }]) });

let seen = 0; // update events the contender has fully handled
let sends = 0;
let stop: () => Promise<void>;
let synced: () => boolean;
let lastSendAt = 0;
// Sync time runs from the contender's start (its first list) to the board (or handler) having every pod.
const t0 = performance.now();

if (mode === 'podlights') {
  const transport = new MemoryTransport();
  const origSend = transport.send.bind(transport);
  transport.send = async (id, frames) => {
    sends += frames.length;
    lastSendAt = performance.now();
    return origSend(id, frames);
  };
  const config = loadConfig({ env: {} });
  const boardDefaults = { ...config.boardDefaults, lanes: 'node' as const };
  const bridge = new Bridge({ clusters: [source], transports: [transport], boards: [], boardDefaults, flushMs: 10, viewDebounceMs: 5 });
  await bridge.start();
  const board = transport.connect('bench', 60, 1024);
  synced = () => Object.keys(board.state?.pods ?? {}).length === Math.min(podCount, 65536);
  stop = () => bridge.stop();
  // "handled" for podlights: the board shows the expected readiness of every pod.
  (globalThis as { dbg?: () => string }).dbg = () => `board pods ${Object.keys(board.state?.pods ?? {}).length} known ${bridge.clusters[0].state().pods.size} groups ${Object.keys(board.state?.groups ?? {}).length} resyncs ${board.resyncs.length} stats ${JSON.stringify(bridge.link.boards()[0]?.stats)}`;
  (globalThis as { notReadyOnBoard?: () => number }).notReadyOnBoard = () => Object.values(board.state?.pods ?? {}).filter((p) => p.state === 3).length;
} else {
  const api = source.kubeConfig.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(source.kubeConfig, '/api/v1/pods', () => api.listPodForAllNamespaces());
  const out: string[] = [];
  let count = 0;
  const emit = (action: string, pod: V1Pod) => {
    const labels = pod.metadata?.labels ?? {};
    if (labels.blinkt !== 'show') return;
    const msg = JSON.stringify({ action, pod: pod.metadata?.name, color: labels.blinktColor });
    out.push(msg);
    if (out.length > 1000) out.length = 0; // "sent"
    sends++;
    lastSendAt = performance.now();
  };
  informer.on('add', (p) => {
    count++;
    emit('add', p);
  });
  informer.on('update', (p) => {
    seen++;
    emit(p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'ready' : 'notready', p);
  });
  informer.on('delete', (p) => emit('remove', p));
  informer.on('error', () => {});
  await informer.start();
  synced = () => count >= podCount;
  stop = () => informer.stop();
}

for (let k = 0; !synced(); k++) {
  await sleep(10);
  if (k === 6000) throw new Error(`${mode} never synced: ${(globalThis as { dbg?: () => string }).dbg?.() ?? ''}`);
}
const syncMs = performance.now() - t0;
const rssSynced = rss();
const heapSynced = process.memoryUsage().heapUsed;

// Throughput: a burst of readiness flips across all pods; done when the contender has handled
// the last one (podlights: the board shows it; baseline: the informer delivered every event).
const flips = new Array<boolean>(podCount).fill(true);
const cpuStart = process.cpuUsage();
const burstStart = performance.now();
const seenBefore = seen;
for (let i = 0; i < updates; i++) {
  const p = i % podCount;
  flips[p] = !flips[p];
  sim.api.patch(R.pods, 'default', `app-${p}`, 'merge', { status: readyStatus(flips[p]) }, { subresource: 'status' });
  if (i % 500 === 499) await sleep(0); // let the server stream
}
const expectNotReady = flips.filter((f) => !f).length;
const done = () =>
  mode === 'podlights'
    ? (globalThis as unknown as { notReadyOnBoard: () => number }).notReadyOnBoard() === expectNotReady
    : seen - seenBefore >= updates;
while (!done()) await sleep(2);
const burstMs = performance.now() - burstStart;

// Latency: one write, then the first frame (or message) that leaves afterwards.
const latencies: number[] = [];
for (let i = 0; i < 200; i++) {
  const p = i % podCount;
  flips[p] = !flips[p];
  const before = sends;
  const start = performance.now();
  sim.api.patch(R.pods, 'default', `app-${p}`, 'merge', { status: readyStatus(flips[p]) }, { subresource: 'status' });
  while (sends === before) await sleep(0);
  latencies.push(lastSendAt - start);
}
const cpu = process.cpuUsage(cpuStart);
const rssEnd = rss();
await stop();
await sim.stop();
console.log(
  JSON.stringify({
    mode,
    pods: podCount,
    updates,
    syncMs: Math.round(syncMs),
    burstMs: Math.round(burstMs),
    eventsPerS: Math.round(updates / (burstMs / 1000)),
    p50: +percentile(latencies, 50).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    sends,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    rssSimMB: +(rssSim / 1048576).toFixed(1),
    rssBridgeMB: +((Math.max(rssSynced, rssEnd) - rssSim) / 1048576).toFixed(1),
    heapBridgeMB: +((heapSynced - heapSim) / 1048576).toFixed(1),
  }),
);
process.exit(0);
