// Conformance: every trace (traces.ts) gives the golden pixels (golden/*.txt) on every runtime:
// the harness source in Node, the virtual target, the Espruino build in an Espruino-shaped vm,
// and the minified Lua builds in fengari (always) and Debian's lua5.1 + bit / lua5.3 (where
// installed; .ci/run installs them).
import t from 'tap';
import type { Test } from 'tap';
import { traces } from './traces.ts';
import { readGolden } from './golden.ts';
import { replayVirtual } from './virtual-replay.ts';
import { replay } from './harness.ts';
import { luaCall, luaHarness, runEspruino } from './runtimes.ts';
import type { Call } from './runtimes.ts';
import { luaCliMissing, runFengari, runLuaCli } from '../helpers/lua.ts';

const all = traces();
const calls: Call[] = all.map((tr) => ({ fn: 'replay', args: [tr.script, tr.ledCount, tr.layout, tr.stream] }));
const golden = all.map((tr) => readGolden(tr.name));

function compare(t: Test, label: string, outputs: string[]): void {
  all.forEach((tr, i) => {
    const got = outputs[i].split('\n');
    const want = golden[i].split('\n');
    const firstDiff = want.findIndex((l, k) => got[k] !== l);
    t.equal(got.length, want.length, `${label}: ${tr.name}: ${want.length} lines`);
    t.equal(firstDiff, -1, `${label}: ${tr.name}: identical to the golden file${firstDiff >= 0 ? ` (first difference: golden "${want[firstDiff].slice(0, 70)}" got "${(got[firstDiff] ?? '').slice(0, 70)}")` : ''}`);
  });
}

t.test('golden files say something', async (t) => {
  for (const [i, tr] of all.entries()) t.ok(golden[i].split('\n').filter((l) => l.startsWith('t=')).length >= 5, `${tr.name} has samples`);
  t.match(golden[all.findIndex((tr) => tr.name === 'gap-resync')], /up t=\d+ 504c0101/, 'gap-resync shows the RESYNC going up');
});

t.test('Node (harness source)', async (t) => compare(t, 'node', calls.map((c) => replay(...(c.args as [string, number, number, boolean])))));
t.test('virtual target', async (t) => compare(t, 'virtual', all.map(replayVirtual)));
t.test('Espruino build in an Espruino-shaped vm', async (t) => compare(t, 'espruino', await runEspruino(calls)));

for (const runtime of ['5.1', '5.3'] as const) {
  const program = () => ({ bundle: luaHarness(runtime), calls: calls.map(luaCall) });
  // Each call's output has several lines; split on the trace boundary marker (the stats line).
  const split = (text: string) => text.split(/(?<=\nstats [^\n]*)\n/);
  t.test(`Lua ${runtime} build (minified) in fengari`, async (t) => compare(t, `fengari ${runtime}`, split(runFengari(program()))));
  const cli = runtime === '5.1' ? 'lua5.1' : 'lua5.3';
  const missing = luaCliMissing(cli);
  t.test(`Lua ${runtime} build (minified) in ${cli}`, { skip: missing ? `skipped: ${missing}` : false }, async (t) =>
    compare(t, cli, split(runLuaCli(cli, program()))),
  );
}
