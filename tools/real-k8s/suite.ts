// `npm run test:real-k8s`: the bridge's end-to-end suite against a real control plane
// (test/real-k8s/*.test.ts through tap), then one line per scenario and the verdict as the last
// line: `real-k8s: N of M scenarios converged`. Exits non-zero when any scenario failed, or when
// tap did. Without the binaries it says why (the tests skip with the same reason) and exits 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realK8sSkip } from '../../test/real-k8s/binaries.ts';

const dir = mkdtempSync(join(tmpdir(), 'podlights-real-k8s-results-'));
const results = join(dir, 'results.jsonl');
const files = readdirSync('test/real-k8s')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test/real-k8s', f));
const skip = realK8sSkip();
if (skip) console.log(`real-k8s: skipped: ${skip}`);
const started = Date.now();
// A terminal gets tap's progress view; a log (CI, a pipe) plain TAP, without cursor codes.
const reporter = process.stdout.isTTY ? 'terse' : 'tap';
const tap = spawnSync('npx', ['tap', `--reporter=${reporter}`, ...files], { stdio: 'inherit', env: { ...process.env, PODLIGHTS_REAL_K8S_RESULTS: results } });
let lines: { name: string; ok: boolean; reason: string }[] = [];
try {
  lines = readFileSync(results, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch {
  // no scenario ran (skipped, or the control plane never started)
}
rmSync(dir, { recursive: true, force: true });
for (const r of lines) console.log(`real-k8s: ${r.ok ? 'converged' : 'FAILED   '} ${r.name}${r.ok ? '' : `: ${r.reason}`}`);
const ok = lines.filter((r) => r.ok).length;
console.log(`real-k8s: suite took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`real-k8s: ${ok} of ${lines.length} scenarios converged`);
process.exit(tap.status !== 0 || ok !== lines.length ? 1 : 0);
