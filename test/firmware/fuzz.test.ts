// The decoder-to-pixels path survives the fuzz corpus on every runtime, and every runtime draws
// the same: random and mutated frames (test/protocol/corpus.ts) mixed with snapshots of random
// messages, so garbage reaches the model and the renderer, not only the CRC check.
import t from 'tap';
import { corpus, prng, randomMessage, toHex } from '../protocol/corpus.ts';
import { encodeSnapshot, encodeFrame } from '../../protocol/index.ts';
import { fuzz } from './harness.ts';
import { luaCall, luaHarness, runEspruino } from './runtimes.ts';
import type { Call } from './runtimes.ts';
import { luaCliMissing, runFengari, runLuaCli } from '../helpers/lua.ts';

function stream(seed: number, count: number): string {
  const rand = prng(seed);
  const noise = corpus(seed, count);
  const out: string[] = [];
  let seq = 0;
  for (let i = 0; i < count; i++) {
    const r = rand();
    if (r < 0.15) {
      const msgs = Array.from({ length: Math.floor(rand() * 40) }, () => randomMessage(rand));
      for (const f of encodeSnapshot(msgs, { seq, snapshot: i, maxFrame: 1024 })) out.push(toHex(Array.from(f)));
      seq = (seq + 1) & 0xffff;
    } else if (r < 0.6) {
      const msgs = Array.from({ length: Math.floor(rand() * 8) }, () => randomMessage(rand));
      out.push(toHex(Array.from(encodeFrame({ flags: 0, seq, messages: msgs }))));
      seq = (seq + 1) & 0xffff;
    } else {
      out.push(toHex(noise[i]));
    }
  }
  return out.join(' ');
}

const calls: Call[] = [1, 2, 3, 4].map((seed) => ({ fn: 'fuzz', args: [stream(0xf00d + seed, 150)] }));
const expected = calls.map((c) => fuzz(c.args[0] as string));

t.test('Node', async (t) => {
  for (const e of expected) t.match(e, /^fuzz sum=\d+ /, e);
});
t.test('Espruino build in an Espruino-shaped vm', async (t) => t.same(await runEspruino(calls), expected));
for (const runtime of ['5.1', '5.3'] as const) {
  const program = () => ({ bundle: luaHarness(runtime), calls: calls.map(luaCall) });
  t.test(`Lua ${runtime} in fengari`, async (t) => t.same(runFengari(program()).split('\n'), expected));
  const cli = runtime === '5.1' ? 'lua5.1' : 'lua5.3';
  const missing = luaCliMissing(cli);
  t.test(`Lua ${runtime} in ${cli}`, { skip: missing ? `skipped: ${missing}` : false }, async (t) =>
    t.same(runLuaCli(cli, program()).split('\n'), expected),
  );
}
