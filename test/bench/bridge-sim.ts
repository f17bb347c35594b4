// The simulator of bench:bridge and bench:e2e in a process of its own, so that the CPU it spends
// storing writes and serialising watch events is counted in no contender's figures. It serves
// `--pods N` pods (about 3 KB of JSON each, shaped like a Deployment's pod on a real cluster:
// two containers with env, probes, resources and mounts, four conditions, two container
// statuses) on `--nodes K` nodes, then answers its parent over IPC:
//   { cmd: 'flips', count, rate? }  flip readiness of `count` pods round-robin, as fast as it
//                                   can (rate undefined) or paced at `rate` writes/s; answers
//                                   { writes: [[podIndex, ready, atMs]...] | undefined, notReady }
//   { cmd: 'finish', index, done }  pod `index` Succeeded (done) or back to Running and ready;
//                                   answers { at }
//   { cmd: 'stop' }
// Times are wall-clock ms (performance.timeOrigin + performance.now()), comparable across
// processes on one machine.
import { parseArgs } from 'node:util';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';

const { values } = parseArgs({ options: { pods: { type: 'string' }, nodes: { type: 'string' }, history: { type: 'string' } } });
const podCount = Number(values.pods ?? 1000);
const nodeCount = Number(values.nodes ?? 3);
const send = (m: unknown) => process.send!(m);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `node-${i}`, arch: (i % 2 ? 'arm64' : 'amd64') as 'amd64' | 'arm64' }));
const sim = new SimCluster({ name: 'eu', controllers: false, nodes, historySize: Number(values.history ?? 200_000) });
await sim.start();

const T = '2026-01-01T00:00:00Z';
const container = (name: string, port: number) => ({
  name,
  image: `registry.example.com/shop/${name}:1.42.0`,
  ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
  env: [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'shop-db', key: 'url' } } },
  ],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
  readinessProbe: { httpGet: { path: '/healthz', port, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  livenessProbe: { httpGet: { path: '/livez', port, scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
  volumeMounts: [
    { name: 'config', mountPath: '/etc/shop', readOnly: true },
    { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
  ],
});
const containerStatus = (name: string, ready: boolean) => ({
  name,
  ready,
  started: true,
  restartCount: 0,
  image: `registry.example.com/shop/${name}:1.42.0`,
  imageID: `registry.example.com/shop/${name}@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`,
  containerID: 'containerd://4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce',
  state: { running: { startedAt: T } },
});
const status = (i: number, ready: boolean) => ({
  phase: 'Running',
  hostIP: '10.0.0.10',
  podIP: `10.244.${(i >> 8) & 255}.${i & 255}`,
  startTime: T,
  qosClass: 'Burstable',
  conditions: [
    { type: 'Initialized', status: 'True', lastTransitionTime: T },
    { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: T },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: T },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: T },
  ],
  containerStatuses: [containerStatus('app', ready), containerStatus('sidecar', true)],
});

for (let i = 0; i < podCount; i++) {
  const app = `app-${i % 20}`;
  sim.api.create(R.pods, {
    metadata: {
      name: `pod-${i}`,
      namespace: 'default',
      labels: { app, blinkt: 'show', blinktColor: 'ffff00', 'pod-template-hash': '5d9c7f8b6d' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': T, 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-5d9c7f8b6d`, uid: `rs-${i % 20}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: nodes[i % nodeCount].name,
      containers: [container('app', 8080), container('sidecar', 9090)],
      volumes: [
        { name: 'config', configMap: { name: 'shop-config', defaultMode: 420 } },
        { name: 'kube-api-access-x7k2p', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } },
      ],
    },
  } as never);
  sim.api.patch(R.pods, 'default', `pod-${i}`, 'merge', { status: status(i, true) }, { subresource: 'status' });
}
const ready = new Array<boolean>(podCount).fill(true);
let next = 0;

function flip(): [number, boolean, number] {
  const i = next;
  next = (next + 1) % podCount;
  ready[i] = !ready[i];
  sim.api.patch(R.pods, 'default', `pod-${i}`, 'merge', { status: status(i, ready[i]) }, { subresource: 'status' });
  return [i, ready[i], now()];
}

async function flips(count: number, rate: number | undefined): Promise<[number, boolean, number][] | undefined> {
  if (rate === undefined) {
    // As fast as the store takes them, yielding now and then so the server streams meanwhile.
    for (let k = 0; k < count; k++) {
      flip();
      if (k % 200 === 199) await sleep(0);
    }
    return undefined;
  }
  const writes: [number, boolean, number][] = [];
  const start = now();
  while (writes.length < count) {
    const due = Math.min(count, Math.floor(((now() - start) * rate) / 1000) + 1);
    while (writes.length < due) writes.push(flip());
    await sleep(1);
  }
  return writes;
}

process.on('message', (m: { cmd: string; count?: number; rate?: number; index?: number; done?: boolean }) => {
  if (m.cmd === 'finish') {
    const i = m.index!;
    ready[i] = !m.done;
    sim.api.patch(R.pods, 'default', `pod-${i}`, 'merge', { status: m.done ? { ...status(i, false), phase: 'Succeeded' } : status(i, true) }, { subresource: 'status' });
    send({ at: now() });
    return;
  }
  if (m.cmd === 'stop') {
    void sim.stop().then(() => process.exit(0));
    return;
  }
  if (m.cmd === 'flips') {
    void flips(m.count ?? 0, m.rate).then((writes) => send({ writes, notReady: ready.filter((r) => !r).length }));
  }
});
const sample = JSON.stringify(sim.store.get(R.pods, 'default', 'pod-0'));
send({ url: sim.url, podBytes: sample.length });
