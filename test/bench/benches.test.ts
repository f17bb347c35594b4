// Every benchmark runs in CI and keeps its output contract: figures printed, the last line
// `name: value`. Nothing here asserts timings; the figures are for people (see the issue notes).
import t from 'tap';
import { spawn } from 'node:child_process';

function run(script: string, args: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/run.js', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// bench:bridge and bench:e2e run small here (--small): the file shares tap's 180 s per-file
// timeout on a shared 2-core machine.
const benches: [string, string, RegExp, string[]?][] = [
  ['bench:sim', 'test/bench/sim.ts', /^sim-events-per-s: \d+(\.\d+)?$/],
  ['bench:firmware', 'test/bench/firmware.ts', /^firmware-espruino-bytes: \d+$/],
  ['bench:bridge', 'test/bench/bridge.ts', /^bridge-cpu-ratio: \d+(\.\d+)?$/, ['--small']],
  ['bench:e2e', 'test/bench/e2e.ts', /^e2e-p99-ms: \d+(\.\d+)?$/, ['--small']],
];

for (const [name, script, last, args] of benches) {
  t.test(name, { timeout: 600_000 }, async (t) => {
    const r = await run(script, args);
    t.equal(r.code, 0, r.err.slice(-2000));
    const lines = r.out.trim().split('\n');
    t.ok(lines.length > 1, 'prints its figures');
    t.match(lines[lines.length - 1], last);
    process.stdout.write(`# ${name}\n# ${lines.join('\n# ')}\n`);
  });
}
