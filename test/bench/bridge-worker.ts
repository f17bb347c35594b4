// One contender of bench:bridge in a process of its own (the simulator runs in another, see
// bridge-sim.ts), so CPU and RSS are the contender's alone. `--mode podlights|baseline --url U
// --pods N [--flush-ms F]`. Both hand what they send to the same sink (BenchSink: counts
// messages and bytes, keeps nothing unless a latency run is recording).
//   podlights: the real bridge (reflectors with lean maps -> view -> link), one board (60 LEDs,
//              node lanes, 4 KB frames) that said HELLO through the sink.
//   baseline:  the seed's way: client-node's informer keeping every full object (each watch
//              event JSON.parse'd, then deserialised into V1Pod classes by ObjectSerializer),
//              and per event one JSON {"action","pod","color"} message to the sink.
// Talks to its parent over IPC: it says { synced } once the board (or handler) has every pod,
// and answers { cmd: 'status', verify? } (events handled, sends, CPU; with verify the pods not
// ready as the board has them), 'rss' (after a full GC), 'record' / 'recorded' (latency: the send
// time of every pod change, decoded after recording stops), 'profile-start' / 'profile-stop'
// (a CPU profile of that window), 'stop'.
import { parseArgs } from 'node:util';
import type { Transport, TransportEvents, TransportHealth } from '../../bridge/transports/types.ts';

const { values } = parseArgs({ options: { mode: { type: 'string' }, url: { type: 'string' }, pods: { type: 'string' }, 'flush-ms': { type: 'string' } } });
const mode = values.mode as 'podlights' | 'baseline';
const podCount = Number(values.pods ?? 1000);
const flushMs = Number(values['flush-ms'] ?? 10);
const now = () => performance.timeOrigin + performance.now();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const rss = () => {
  gc();
  gc();
  return process.memoryUsage().rss;
};
let rssBase = 0;
let heapBase = 0;

/** Where both contenders' output goes. Keeps frames only while a latency run records. */
class BenchSink implements Transport {
  readonly name = 'bench';
  events: TransportEvents | undefined;
  sends = 0;
  bytes = 0;
  recording: [number, Uint8Array][] | undefined;

  async start(events: TransportEvents): Promise<void> {
    this.events = events;
  }
  async stop(): Promise<void> {}
  async send(_boardId: string, frames: Uint8Array[]): Promise<void> {
    this.sends += frames.length;
    for (const f of frames) {
      this.bytes += f.length;
      if (this.recording) this.recording.push([now(), f]);
    }
  }
  async retainSnapshot(): Promise<void> {}
  health(): TransportHealth {
    return { name: this.name, state: 'up', detail: 'bench sink', counters: { frames: this.sends } };
  }
}

const sink = new BenchSink();
// Node's own, the TypeScript loader's and the contender's code (loaded before the base is taken):
// the figure is what the contender holds for the cluster (caches, buffers, display states).
if (mode === 'podlights') {
  await import('../../bridge/controller.ts');
  await import('../../protocol/index.ts');
}
await import('@kubernetes/client-node');
await import('../../bridge/kube/connect.ts');
await import('../../bridge/config/load.ts');
rssBase = rss();
heapBase = process.memoryUsage().heapUsed;
const t0 = now();
let events: () => number;
let synced: () => boolean;
let notReady: () => number;
/** Recorded frames to [at, podIndex, ready] (after recording: decoding costs nothing measured). */
let decodeRecorded: (rec: [number, Uint8Array][]) => [number, number, boolean][];
let stop: () => Promise<void>;
/** What the contender says of itself (podlights: its session's counters). */
let self: () => unknown = () => undefined;
const podIndex = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));

if (mode === 'podlights') {
  const { Bridge } = await import('../../bridge/controller.ts');
  const { fromKubeconfig } = await import('../../bridge/kube/connect.ts');
  const { kubeconfigText } = await import('../../bridge/sim/kubeconfig.ts');
  const { loadConfig } = await import('../../bridge/config/load.ts');
  const { decode, MSG, POD_STATE } = await import('../../protocol/index.ts');
  const [source] = fromKubeconfig({ text: kubeconfigText([{ name: 'eu', url: values.url! }]) });
  const config = loadConfig({ env: {} });
  const boardDefaults = { ...config.boardDefaults, lanes: 'node' as const };
  const bridge = new Bridge({ clusters: [source], transports: [sink], boards: [], boardDefaults, flushMs });
  await bridge.start();
  // 4 KB frames: a snapshot is at most 255 frames, and 50,000 pods take ~300 KB of POD_ADDs.
  sink.events!.hello('bench', { type: MSG.HELLO, protoMin: 1, protoMax: 1, ledCount: 60, maxFrame: 4096, caps: 0x3f, boardId: 'bench', profile: 'virtual-60', firmware: 'bench' }, sink);
  const cluster = bridge.clusters[0];
  const shown = () => bridge.link.shownPods('bench') ?? {};
  events = () => cluster.statuses().reduce((n, s) => n + (s.path === '/api/v1/pods' ? s.counters.events : 0), 0);
  synced = () => Object.keys(shown()).length === Math.min(podCount, 65535);
  notReady = () => Object.values(shown()).filter((p) => p.state === POD_STATE.NOT_READY).length;
  decodeRecorded = (rec) => {
    // Handles stand for pods by the view's keys (cluster/uid): map them back to pod names.
    const keys = bridge.link.shownPodKeys('bench') ?? {};
    const names = new Map<string, string>();
    for (const p of cluster.state().pods.values()) names.set(`eu/${p.uid}`, p.name);
    const out: [number, number, boolean][] = [];
    for (const [at, frame] of rec) {
      const f = decode(frame);
      if (!f.ok) continue;
      for (const m of f.messages) {
        if (m.type !== MSG.POD_STATE && m.type !== MSG.POD_ADD) continue;
        const name = names.get(keys[m.pod] ?? '');
        if (name !== undefined) out.push([at, podIndex(name), m.state === POD_STATE.RUNNING]);
      }
    }
    return out;
  };
  stop = () => bridge.stop();
  self = () => ({ ...bridge.link.board('bench')?.stats, views: bridge.counters.views, patches: bridge.counters.patches });
} else {
  const { CoreV1Api, KubeConfig, makeInformer } = await import('@kubernetes/client-node');
  const { kubeconfigText } = await import('../../bridge/sim/kubeconfig.ts');
  type V1Pod = import('@kubernetes/client-node').V1Pod;
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigText([{ name: 'eu', url: values.url! }]));
  const api = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(kc, '/api/v1/pods', () => api.listPodForAllNamespaces({ labelSelector: 'blinkt=show' }), 'blinkt=show');
  let updates = 0;
  let added = 0;
  const emit = (action: string, pod: V1Pod) => {
    const labels = pod.metadata?.labels ?? {};
    void sink.send('bench', [Buffer.from(JSON.stringify({ action, pod: pod.metadata?.name, color: labels.blinktColor }))]);
  };
  const isReady = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  informer.on('add', (p) => {
    added++;
    emit('add', p);
  });
  informer.on('update', (p) => {
    updates++;
    const ready = isReady(p);
    emit(ready ? 'ready' : 'notready', p);
  });
  informer.on('delete', (p) => emit('remove', p));
  informer.on('error', () => {});
  await informer.start();
  events = () => updates;
  synced = () => added >= podCount;
  // The baseline keeps no display state of its own: its cache says what it sent last.
  notReady = () => informer.list().filter((p) => !isReady(p)).length;
  decodeRecorded = (rec) =>
    rec.flatMap(([at, frame]) => {
      const m = JSON.parse(Buffer.from(frame).toString()) as { action: string; pod: string };
      return m.action === 'ready' || m.action === 'notready' ? [[at, podIndex(m.pod), m.action === 'ready'] as [number, number, boolean]] : [];
    });
  stop = () => informer.stop();
}

for (let k = 0; !synced(); k++) {
  await new Promise((r) => setTimeout(r, 10));
  if (k === 12_000) throw new Error(`${mode} never synced`);
}
const syncMs = now() - t0;
// RSS after a full GC, asked for outside the CPU windows (a forced GC is not the contender's cost).
const status = (withRss = false, verify = false) => {
  const cpu = process.cpuUsage();
  const rssOverBase = withRss ? rss() - rssBase : 0; // after the GC rss() forces: heapOverBase is live data
  return { events: events(), sends: sink.sends, bytes: sink.bytes, cpuMs: (cpu.user + cpu.system) / 1000, rssOverBase, heapOverBase: withRss ? process.memoryUsage().heapUsed - heapBase : 0, notReady: verify ? notReady() : -1 };
};
// CPU profile of one window (the burst), not of start-up: `node --cpu-prof` would be mostly the
// module loader's.
const { Session } = await import('node:inspector/promises');
const { writeFileSync, mkdirSync } = await import('node:fs');
const profiler = new Session();
async function profile(m: { cmd: string; file?: string }): Promise<void> {
  if (m.cmd === 'profile-start') {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.start');
  } else {
    const { profile } = await profiler.post('Profiler.stop');
    mkdirSync(m.file!.slice(0, m.file!.lastIndexOf('/')), { recursive: true });
    writeFileSync(m.file!, JSON.stringify(profile));
    profiler.disconnect();
  }
  process.send!({});
}
process.on('message', (m: { cmd: string; file?: string; verify?: boolean }) => {
  if (m.cmd.startsWith('profile')) void profile(m);
  else if (m.cmd === 'status') process.send!(status(false, m.verify));
  else if (m.cmd === 'rss') process.send!({ ...status(true), self: self() });
  else if (m.cmd === 'record') {
    sink.recording = [];
    process.send!({});
  } else if (m.cmd === 'recorded') {
    const rec = sink.recording ?? [];
    sink.recording = undefined;
    process.send!({ changes: decodeRecorded(rec) });
  }
  else if (m.cmd === 'stop') void stop().then(() => process.exit(0));
});
process.send!({ syncMs, ...status(true) });
