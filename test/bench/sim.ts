// Benchmark of the simulator's API server: 10,000 pods, list latency, and watch event fan-out
// to 20 watchers compared with one watcher in the same run. The last line is the figure CI
// tracks: `sim-events-per-s: N` (events delivered per second, summed over the 20 watchers).
import { request } from 'node:http';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';

const PODS = Number(process.env.SIM_BENCH_PODS ?? 10_000);
const WATCHERS = Number(process.env.SIM_BENCH_WATCHERS ?? 20);
const CHANGES = Number(process.env.SIM_BENCH_CHANGES ?? 5_000);

interface Counter {
  lines: number;
  close(): void;
}

function watch(url: string): Promise<Counter> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      const c: Counter = { lines: 0, close: () => req.destroy() };
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) c.lines++;
      });
      res.on('error', () => {});
      resolve(c);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitAll(counters: Counter[], target: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (counters.some((c) => c.lines < target)) {
    if (Date.now() > deadline) throw new Error(`watchers got ${counters.map((c) => c.lines).join(',')} of ${target} events`);
    await new Promise((r) => setImmediate(r));
  }
}

async function timeGet(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  return { ms: performance.now() - t0, bytes: body.byteLength };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Changes every pod's label in turn, `n` changes in all; returns when the store has them. */
function churn(cluster: SimCluster, names: string[], n: number, round: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    cluster.api.patch(R.pods, 'bench', names[i % names.length], 'merge', { metadata: { labels: { round: `r${round}-${i}` } } });
  }
  return performance.now() - t0;
}

const cluster = new SimCluster({ name: 'bench', controllers: false, historySize: 100_000, namespaces: ['bench'] });
await cluster.start();
try {
  const t0 = performance.now();
  const names: string[] = [];
  const nodes = cluster.store.list(R.nodes).map((n) => String(n.metadata.name));
  for (let i = 0; i < PODS; i++) {
    const name = `pod-${String(i).padStart(5, '0')}`;
    names.push(name);
    cluster.api.create(R.pods, {
      metadata: { name, namespace: 'bench', labels: { app: `app-${i % 50}`, blinkt: 'show', blinktColor: 'ffff00' } },
      spec: { nodeName: nodes[i % nodes.length], containers: [{ name: 'app', image: 'nginx:1.27-alpine', ports: [{ containerPort: 80 }] }] },
    });
  }
  const createMs = performance.now() - t0;
  console.log(`pods created:           ${PODS} in ${createMs.toFixed(0)} ms (${Math.round(PODS / (createMs / 1000))} creates/s, in process)`);

  const full: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const r = await timeGet(`${cluster.url}/api/v1/pods`);
    full.push(r.ms);
    bytes = r.bytes;
  }
  const page: number[] = [];
  for (let i = 0; i < 5; i++) page.push((await timeGet(`${cluster.url}/api/v1/pods?limit=500`)).ms);
  const selected: number[] = [];
  for (let i = 0; i < 5; i++) selected.push((await timeGet(`${cluster.url}/api/v1/pods?labelSelector=app%3Dapp-7`)).ms);
  console.log(`list ${PODS} pods:        median ${median(full).toFixed(1)} ms (${(bytes / 1e6).toFixed(1)} MB)`);
  console.log(`list limit=500:         median ${median(page).toFixed(1)} ms`);
  console.log(`list labelSelector:     median ${median(selected).toFixed(1)} ms (${PODS / 50} of ${PODS})`);

  // Baseline: one watcher.
  let rv = cluster.store.resourceVersion;
  const single = await watch(`${cluster.url}/api/v1/pods?watch=true&resourceVersion=${rv}`);
  let start = performance.now();
  const patchMs = churn(cluster, names, CHANGES, 1);
  await waitAll([single], CHANGES);
  const singleMs = performance.now() - start;
  single.close();
  const singleRate = CHANGES / (singleMs / 1000);
  console.log(`1 watcher:              ${CHANGES} events in ${singleMs.toFixed(0)} ms (${Math.round(singleRate)} events/s; making the ${CHANGES} patches took ${patchMs.toFixed(0)} ms of it)`);

  // Fan-out: the same changes to WATCHERS watchers.
  rv = cluster.store.resourceVersion;
  const many = await Promise.all(Array.from({ length: WATCHERS }, () => watch(`${cluster.url}/api/v1/pods?watch=true&resourceVersion=${rv}`)));
  start = performance.now();
  churn(cluster, names, CHANGES, 2);
  await waitAll(many, CHANGES);
  const manyMs = performance.now() - start;
  for (const w of many) w.close();
  const fanRate = (CHANGES * WATCHERS) / (manyMs / 1000);
  console.log(`${WATCHERS} watchers:            ${CHANGES} events each in ${manyMs.toFixed(0)} ms (${Math.round(fanRate)} deliveries/s, ${(fanRate / singleRate).toFixed(1)}x the single-watcher rate)`);

  // Per-node watchers (the DaemonSet bridge): each sees only its node's pods.
  rv = cluster.store.resourceVersion;
  const perNode = await Promise.all(nodes.map((n) => watch(`${cluster.url}/api/v1/pods?watch=true&resourceVersion=${rv}&fieldSelector=spec.nodeName%3D${n}`)));
  start = performance.now();
  churn(cluster, names, CHANGES, 3);
  await waitAll(perNode, CHANGES / nodes.length);
  const nodeMs = performance.now() - start;
  for (const w of perNode) w.close();
  console.log(`${nodes.length} per-node watchers:    ${CHANGES} changes filtered in ${nodeMs.toFixed(0)} ms`);

  const mem = process.memoryUsage();
  console.log(`rss:                    ${(mem.rss / 1e6).toFixed(0)} MB (heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB, ${PODS} pods, history ${cluster.store.history.size} events)`);
  console.log(`sim-events-per-s: ${Math.round(fanRate)}`);
} finally {
  await cluster.stop();
}
