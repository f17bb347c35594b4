// Runs `npm run bench:wire` as CI does and checks its output contract (figures printed, last
// line `wire-ratio: N`). No timing is asserted; the ratio is bytes, which are deterministic.
import t from 'tap';
import { spawnSync } from 'node:child_process';

t.test('bench:wire prints its figures and ends with wire-ratio', async (t) => {
  const r = spawnSync(process.execPath, ['bin/run.js', 'test/bench/wire.ts'], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.match(r.stdout, /encode: [\d,]+ messages\/s/);
  t.match(r.stdout, /decode: [\d,]+ messages\/s/);
  const last = lines[lines.length - 1];
  t.match(last, /^wire-ratio: \d+\.\d+$/);
  t.ok(Number(last.split(': ')[1]) > 4, 'podlights sends several times fewer bytes than the seed scheme');
  process.stdout.write(`# ${lines.join('\n# ')}\n`);
});
