// `npm run bench:bridge`: the bridge against the simulator, podlights and a naive baseline
// (client-node's informer with full objects, one JSON message per event, as the seed does),
// measured in the same harness, each contender in its own process so RSS is its own.
// Figures: sync time, events/s through a burst of readiness flips, p50/p99 latency from a
// simulator write to the first frame (or message) leaving, CPU time, RSS over the simulator's.
// Last line: `bridge-speedup: N` = baseline burst time / podlights burst time at 10,000 pods.
import { spawnSync } from 'node:child_process';

interface Result {
  mode: string;
  pods: number;
  updates: number;
  syncMs: number;
  burstMs: number;
  eventsPerS: number;
  p50: number;
  p99: number;
  sends: number;
  cpuMs: number;
  rssSimMB: number;
  rssBridgeMB: number;
}

function measure(mode: string, pods: number, updates: number): Result {
  const r = spawnSync(process.execPath, ['--expose-gc', 'bin/run.js', 'test/bench/bridge-worker.ts', '--mode', mode, '--pods', String(pods), '--updates', String(updates)], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} ${pods}: ${r.stderr || r.stdout}`);
  return JSON.parse(line) as Result;
}

const rows: Result[] = [];
for (const pods of [1000, 10_000]) {
  for (const mode of ['baseline', 'podlights']) {
    const r = measure(mode, pods, 10_000);
    rows.push(r);
    console.log(
      `${mode.padEnd(9)} ${String(pods).padStart(6)} pods: sync ${r.syncMs} ms, burst of ${r.updates} updates ${r.burstMs} ms (${r.eventsPerS} events/s), ` +
        `${r.sends} sends, latency p50 ${r.p50} ms p99 ${r.p99} ms, cpu ${r.cpuMs} ms, RSS +${r.rssBridgeMB} MB (sim ${r.rssSimMB} MB)`,
    );
  }
}
const at = (mode: string) => rows.find((r) => r.mode === mode && r.pods === 10_000)!;
console.log(`sends ratio at 10,000 pods (baseline/podlights): ${(at('baseline').sends / at('podlights').sends).toFixed(1)}`);
console.log(`memory ratio at 10,000 pods (baseline/podlights RSS): ${(at('baseline').rssBridgeMB / Math.max(0.1, at('podlights').rssBridgeMB)).toFixed(2)}`);
console.log(`bridge-speedup: ${(at('baseline').burstMs / at('podlights').burstMs).toFixed(2)}`);
