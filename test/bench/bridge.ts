// `npm run bench:bridge`: podlights against a naive baseline, each contender in a process of its
// own and the simulator in a third (bridge-sim.ts), so CPU and RSS are the contender's alone.
// Both read the same simulator at the same time, send to the same sink (bridge-worker.ts), and get
// the same warm-up. What the baseline does per event: client-node's informer (the seed's way)
// splits the stream into lines (readline), JSON.parses each whole line, keeps the full object in
// its cache; its handler finds the Ready condition and sends one JSON {"action","pod","color"}
// message. podlights: the real bridge (reflectors decoding only what the view reads, view, link)
// with one 60-LED board in node lanes, flush window 20 ms (the demo's).
//
// Per pod count (1,000 / 10,000 / 50,000): CPU per event over a burst of readiness flips (warm-up
// first; the window ends once the contender handled every event and went quiet), RSS over Node's
// own once synced, sends, and latency from a simulator write to the frame carrying it leaving,
// p50/p99, with the simulator writing at 1,000 events/s. Then the DaemonSet mode: the compiled
// bridge, built afresh and started with deploy/Dockerfile's ENTRYPOINT and ENV (`node
// dist/bin/podlights.js bridge --node`), with 110 pods on its node and 10,000 in the cluster,
// whole-process RSS. Last line: `bridge-cpu-ratio: N` = baseline
// CPU per event / podlights CPU per event at 10,000 pods (the middle size with --small).
//
// BENCH_CPU_PROF=DIR writes a CPU profile of each contender's burst there (DIR/<mode>-<pods>.cpuprofile);
// the profiler costs CPU too, so the figures of such a run are not the ones to quote.
//
// `--small` (or BENCH_SMALL=1, what CI runs): 100 / 300 / 1,000 pods, few events, no DaemonSet
// mode (it builds the compiled tree); the same lines, for the output contract only.
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const small = process.argv.includes('--small') || process.env.BENCH_SMALL === '1';
const sizes = small ? [100, 300, 1000] : [1000, 10_000, 50_000];
const mid = sizes[1];
// For working on one figure: BENCH_ONLY=podlights:10000 (or baseline,podlights:10000) runs those at
// that size only; BENCH_ONLY=daemonset the DaemonSet mode only.
const only = process.env.BENCH_ONLY?.split(':');
const updates = small ? 300 : 10_000;
const warmup = small ? 100 : 2000;
const latencyEvents = small ? 200 : 3000;
const RATE = 1000;
const FLUSH_MS = 20;
const daemonSet = { cluster: 10_000, onNode: 110 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] : NaN);
const mb = (b: number) => +(b / 1048576).toFixed(1);

/** A child on IPC: ask() sends a message and resolves with its next answer. */
class Child {
  private waiting: ((m: never) => void)[] = [];
  readonly first: Promise<Record<string, never>>;
  err = '';

  constructor(readonly proc: ChildProcess) {
    this.first = new Promise((resolve, reject) => {
      this.waiting.push(resolve as never);
      proc.on('exit', (code) => {
        if (code !== 0) reject(new Error(`${proc.spawnargs.slice(-6).join(' ')} exited ${code}: ${this.err.slice(-1500)}`));
      });
    });
    proc.stderr?.on('data', (d) => (this.err += d));
    proc.on('message', (m) => this.waiting.shift()?.(m as never));
  }

  ask<T>(msg: object): Promise<T> {
    return new Promise<T>((resolve) => {
      this.waiting.push(resolve as never);
      this.proc.send(msg);
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.send({ cmd: 'stop' });
    await Promise.race([exited, sleep(5000)]);
    this.proc.kill();
  }
}

const tsChild = (script: string, args: string[], execArgv: string[] = []) =>
  new Child(fork('bin/run.js', [script, ...args], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] }));

interface Status {
  events: number;
  sends: number;
  bytes: number;
  cpuMs: number;
  rssOverBase: number;
  heapOverBase: number;
}

async function startSim(pods: number, nodes: number): Promise<{ sim: Child; url: string; podBytes: number }> {
  const sim = tsChild('test/bench/bridge-sim.ts', ['--pods', String(pods), '--nodes', String(nodes), '--history', String(pods * 2 + 100_000)]);
  const hello = (await sim.first) as unknown as { url: string; podBytes: number };
  return { sim, ...hello };
}

/**
 * Waits until the contender handled `events` watch events and sent nothing for two polls, then
 * checks that it shows `notReady` pods not ready (the cluster's count after the writes); a
 * contender still catching up is waited for. The count over its pods runs only then, so it costs
 * neither contender much.
 */
async function quiet(worker: Child, events: number, notReady: number): Promise<Status> {
  let last = await worker.ask<Status>({ cmd: 'status' });
  for (let stable = 0; ; ) {
    await sleep(100);
    const s = await worker.ask<Status>({ cmd: 'status' });
    stable = s.events >= events && s.sends === last.sends ? stable + 1 : 0;
    last = s;
    if (stable >= 2 && (await worker.ask<Status & { notReady: number }>({ cmd: 'status', verify: true })).notReady === notReady) return last;
  }
}

interface Row {
  mode: string;
  pods: number;
  syncMs: number;
  cpuPerEventUs: number;
  rssMB: number;
  /** Live heap once synced, per pod: what the contender holds for each pod it knows. */
  bytesPerPod: number;
  sends: number;
  p50: number;
  p99: number;
  lost: number;
}

/** Latency of each write: until the first frame (or message) that carries its new state left. */
function latencies(writes: [number, boolean, number][], changes: [number, number, boolean][]): { p50: number; p99: number; lost: number } {
  const byPod = new Map<number, [number, boolean][]>();
  for (const [at, pod, ready] of changes) {
    const list = byPod.get(pod) ?? [];
    list.push([at, ready]);
    byPod.set(pod, list);
  }
  const out: number[] = [];
  let lost = 0;
  for (const [pod, ready, at] of writes) {
    const sent = byPod.get(pod)?.find(([t, r]) => t >= at && r === ready);
    if (sent) out.push(sent[0] - at);
    else lost++;
  }
  return { p50: +percentile(out, 50).toFixed(2), p99: +percentile(out, 99).toFixed(2), lost };
}

/**
 * The contenders at once, each in its own process, against one simulator: they see the same
 * events at the same moments under the same machine load (a shared machine's load moves
 * between runs; within one run it is the same for both), and each one's CPU and RSS are its own.
 */
async function contenders(modes: string[], pods: number, sim: Child, url: string, profile: string | undefined): Promise<Row[]> {
  const workers = modes.map((mode) => tsChild('test/bench/bridge-worker.ts', ['--mode', mode, '--url', url, '--pods', String(pods), '--flush-ms', String(FLUSH_MS)], ['--expose-gc']));
  const all = <T>(f: (w: Child, i: number) => Promise<T>) => Promise.all(workers.map(f));
  const synced = await all(async (w) => (await w.first) as unknown as Status & { syncMs: number });
  // Warm-up, the same for both.
  const at0 = await all((w) => w.ask<Status>({ cmd: 'status' }));
  const w0 = await sim.ask<{ notReady: number }>({ cmd: 'flips', count: warmup });
  const warm = await all((w, i) => quiet(w, at0[i].events + warmup, w0.notReady));
  if (profile) await all((w) => w.ask({ cmd: 'profile-start' }));
  // The burst: CPU per event from the first write until the contender shows the last one.
  const { notReady } = await sim.ask<{ notReady: number }>({ cmd: 'flips', count: updates });
  const done = await all((w, i) => quiet(w, warm[i].events + updates, notReady));
  if (profile) await all((w, i) => w.ask({ cmd: 'profile-stop', file: join(profile, `${modes[i]}-${pods}.cpuprofile`) }));
  const afterBurst = await all((w) => w.ask<Status>({ cmd: 'rss' }));
  // Latency at a steady 1,000 events/s.
  await all((w) => w.ask({ cmd: 'record' }));
  const { writes, notReady: after } = await sim.ask<{ writes: [number, boolean, number][]; notReady: number }>({ cmd: 'flips', count: latencyEvents, rate: RATE });
  await all((w, i) => quiet(w, done[i].events + latencyEvents, after));
  const afterLatency = await all((w) => w.ask<Status & { self: unknown }>({ cmd: 'rss' }));
  const recorded = await all((w) => w.ask<{ changes: [number, number, boolean][] }>({ cmd: 'recorded' }));
  await all((w) => w.stop());
  return modes.map((mode, i) => {
    if (process.env.BENCH_SELF) console.log(mode, pods, JSON.stringify(afterLatency[i].self));
    return {
      mode,
      pods,
      syncMs: Math.round(synced[i].syncMs),
      cpuPerEventUs: +(((done[i].cpuMs - warm[i].cpuMs) * 1000) / updates).toFixed(1),
      rssMB: mb(Math.max(synced[i].rssOverBase, afterBurst[i].rssOverBase, afterLatency[i].rssOverBase)),
      bytesPerPod: Math.round(afterBurst[i].heapOverBase / pods),
      sends: done[i].sends - warm[i].sends,
      ...latencies(writes, recorded[i].changes),
    };
  });
}

/**
 * How the image starts the bridge: the runtime stage of deploy/Dockerfile (its last FROM), its
 * ENTRYPOINT (`node dist/bin/podlights.js`, with any Node flags it gives) and its ENV.
 */
function imageStart(): { entrypoint: string[]; env: Record<string, string> } {
  const stage = readFileSync('deploy/Dockerfile', 'utf8').split(/^FROM /m).at(-1)!;
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(stage);
  if (!entry) throw new Error('deploy/Dockerfile: the runtime stage has no ENTRYPOINT [...]');
  const env: Record<string, string> = {};
  for (const m of stage.matchAll(/^ENV (\S+)=(\S+)$/gm)) env[m[1]] = m[2];
  return { entrypoint: JSON.parse(entry[1]) as string[], env };
}

/**
 * The DaemonSet mode as the image runs it: a fresh compiled tree (tools/build-dist.ts, what `npm
 * run build` runs; never a dist/ left from older sources), started with the Dockerfile's
 * ENTRYPOINT and ENV as `bridge --node`, embedded broker and operations endpoint on, as
 * deploy/base runs it. Whole-process RSS, and its file-backed part (mostly the node binary's own
 * pages: the floor no JavaScript change moves).
 */
async function daemonSetRss(): Promise<{ rssMB: number; peakMB: number; fileMB: number; command: string }> {
  const nodes = Math.ceil(daemonSet.cluster / daemonSet.onNode);
  const { sim, url } = await startSim(daemonSet.cluster, nodes);
  // Inside node_modules/.cache: the compiled tree resolves the packages it does not bundle from
  // the repository's node_modules, as the image's /app/dist does from /app/node_modules.
  mkdirSync('node_modules/.cache', { recursive: true });
  const dir = mkdtempSync(join('node_modules/.cache', 'podlights-bench-'));
  try {
    const b = spawn(process.execPath, ['bin/run.js', 'tools/build-dist.ts', '--out', join(dir, 'dist')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    b.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => b.on('exit', r));
    if (code !== 0) throw new Error(`build-dist failed: ${err.slice(-1000)}`);
    const kubeconfig = resolve(dir, 'kubeconfig');
    const { kubeconfigText } = await import('../../bridge/sim/kubeconfig.ts');
    writeFileSync(kubeconfig, kubeconfigText([{ name: 'eu', url }]));
    const image = imageStart();
    const [node, ...nodeArgs] = image.entrypoint;
    if (node !== 'node') throw new Error(`deploy/Dockerfile: ENTRYPOINT starts ${node}, not node`);
    const args = [...nodeArgs, 'bridge', '--kubeconfig', kubeconfig, '--node', 'node-0', '--broker-port', '0', '--http-port', '0'];
    // Paths inside the entrypoint (dist/...) are relative to the image's WORKDIR: here, `dir`.
    const bridge = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...image.env, PODLIGHTS_LOG_FORMAT: 'json' } });
    let log = '';
    bridge.stderr.on('data', (d) => (log += d));
    const vm = (field: string) => {
      const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${bridge.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    };
    // Synced once every pod watch listed; then let it settle and flip pods on its node.
    for (let k = 0; !/is healthy/.test(log); k++) {
      if (bridge.exitCode !== null || k > 600) throw new Error(`bridge --node did not get healthy: ${log.slice(-1500)}`);
      await sleep(100);
    }
    await sim.ask({ cmd: 'flips', count: daemonSet.cluster });
    // Steady state: V8 gives back what start-up and the first lists used only after a few
    // garbage collections (the memory reducer runs seconds after the last allocation burst).
    await sleep(16_000);
    const rss = vm('VmRSS');
    const peak = vm('VmHWM');
    const file = vm('RssFile');
    bridge.kill('SIGTERM');
    await new Promise((r) => bridge.once('exit', r));
    return { rssMB: mb(rss), peakMB: mb(peak), fileMB: mb(file), command: `${[...Object.entries(image.env).map(([k, v]) => `${k}=${v}`), node, ...nodeArgs].join(' ')} bridge --node` };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const profileDir = process.env.BENCH_CPU_PROF;
const rows: Row[] = [];
if (only?.[0] === 'daemonset') {
  console.log(await daemonSetRss());
  process.exit(0);
}
if (only) {
  const pods = Number(only[1] ?? mid);
  const { sim, url } = await startSim(pods, 3);
  console.log(await contenders(only[0].split(','), pods, sim, url, profileDir));
  await sim.stop();
  process.exit(0);
}
for (const pods of sizes) {
  const { sim, url, podBytes } = await startSim(pods, 3);
  console.log(`${pods} pods (${podBytes} bytes of JSON each) on 3 nodes, ${updates} updates after ${warmup} of warm-up, latency at ${RATE} events/s`);
  for (const r of await contenders(['baseline', 'podlights'], pods, sim, url, profileDir)) {
    rows.push(r);
    console.log(
      `  ${r.mode.padEnd(9)} sync ${r.syncMs} ms, cpu ${r.cpuPerEventUs} us/event, RSS +${r.rssMB} MB (heap ${r.bytesPerPod} bytes/pod), ${r.sends} sends, ` +
        `latency p50 ${r.p50} ms p99 ${r.p99} ms${r.lost ? ` (${r.lost} writes never sent)` : ''}`,
    );
  }
  await sim.stop();
}
const at = (mode: string, pods: number) => rows.find((r) => r.mode === mode && r.pods === pods)!;
const [lo, , hi] = sizes;
for (const mode of ['baseline', 'podlights']) {
  console.log(`${mode} cpu per event ${hi} / ${lo} pods: ${(at(mode, hi).cpuPerEventUs / at(mode, lo).cpuPerEventUs).toFixed(2)} (podlights target <= 1.5)`);
}
console.log(`podlights latency p99 at ${RATE} events/s, ${mid} pods: ${at('podlights', mid).p99} ms (target <= flush ${FLUSH_MS} + 5 ms)`);
console.log(`sends ratio at ${mid} pods (baseline/podlights): ${(at('baseline', mid).sends / at('podlights', mid).sends).toFixed(1)} (target >= 50)`);
console.log(`RSS ratio at ${mid} pods (podlights/baseline, over Node's own): ${(at('podlights', mid).rssMB / at('baseline', mid).rssMB).toFixed(2)} (target <= 0.5)`);
if (small) console.log('DaemonSet mode: not measured with --small (it builds the compiled tree)');
else {
  const ds = await daemonSetRss();
  console.log(
    `DaemonSet mode (${ds.command}, as deploy/Dockerfile starts it, embedded broker; ${daemonSet.onNode} pods on the node, ${daemonSet.cluster} in the cluster): ` +
      `RSS ${ds.rssMB} MB steady, 16 s after 10,000 writes (target <= 60; ${ds.fileMB} MB of it file-backed: the node binary's pages), peak ${ds.peakMB} MB`,
  );
}
console.log(`bridge-cpu-ratio: ${(at('baseline', mid).cpuPerEventUs / at('podlights', mid).cpuPerEventUs).toFixed(2)}`);
process.exit(0);
