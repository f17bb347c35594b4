// `podlights sim` as a user runs it: serves both clusters, writes the kubeconfig, plays a
// scenario, and exits cleanly on SIGTERM.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/podlights.js', import.meta.url));

t.test('podlights sim serves, plays a scenario and stops on SIGTERM', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-sim-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [BIN, 'sim', '--clusters', 'eu,us', '--speed', '50', '--kubeconfig', file, '--scenario', 'scale'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  await until(() => out.includes('scenario scale done'), 30_000, () => `the scenario to finish: ${out}${err}`);
  t.match(out, /cluster eu at http:\/\/127\.0\.0\.1:\d+ \(4 nodes: 2 amd64, 2 arm64\)/);
  t.match(out, /cluster us at http:\/\/127\.0\.0\.1:\d+/);
  const kc = JSON.parse(readFileSync(file, 'utf8'));
  t.same(kc.contexts.map((c: any) => c.name), ['eu', 'us']);
  for (const c of kc.clusters) {
    const res = await fetch(`${c.cluster.server}/version`);
    t.equal(res.status, 200, `${c.name} answers`);
  }
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exit code 0');
  t.match(out, /SIGTERM, stopping/);
  t.equal(err, '');
});

t.test('podlights sim rejects bad options and lists scenarios', async (t) => {
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'sim', ...args], { encoding: 'utf8', timeout: 30_000 });
  const list = run('--list-scenarios');
  t.equal(list.status, 0);
  t.match(list.stdout, /node-failure\s+Node/);
  const bad = run('--scenario', 'nope', '--speed', '0');
  t.equal(bad.status, 2);
  t.match(bad.stderr, /unknown scenario 'nope'/);
  t.match(bad.stderr, /--speed must be a positive number/);
  t.equal(run('--clusters', 'eu', '--scenario', 'failover').status, 2, 'failover needs us');
});
