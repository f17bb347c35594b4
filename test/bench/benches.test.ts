// Every benchmark runs in CI and keeps its output contract: figures printed, the last line
// `name: value`. Nothing here asserts timings; the figures are for people (see the issue notes).
import t from 'tap';
import { spawn } from 'node:child_process';

function run(script: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run.js', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const benches: [string, string, RegExp][] = [
  ['bench:sim', 'test/bench/sim.ts', /^sim-events-per-s: \d+(\.\d+)?$/],
  ['bench:firmware', 'test/bench/firmware.ts', /^firmware-espruino-bytes: \d+$/],
  ['bench:bridge', 'test/bench/bridge.ts', /^bridge-speedup: \d+(\.\d+)?$/],
];

for (const [name, script, last] of benches) {
  t.test(name, { timeout: 600_000 }, async (t) => {
    const r = await run(script);
    t.equal(r.code, 0, r.err.slice(-2000));
    const lines = r.out.trim().split('\n');
    t.ok(lines.length > 1, 'prints its figures');
    t.match(lines[lines.length - 1], last);
    process.stdout.write(`# ${name}\n# ${lines.join('\n# ')}\n`);
  });
}
