// The firmware builds rewrite the codec (firmware/targets/espruino/inline.ts): constants are
// inlined and decode error reasons dropped; the Espruino build also mangles property names and the
// Lua build is minified. Built that way, in an Espruino-shaped vm and in fengari (Lua 5.1 and 5.3
// builds), the codec must still give every error code and offset of the normative vectors
// (protocol/vectors/errors.json) and decode what they accept to the same messages; the Espruino
// build must also agree with the Node codec on the fuzz corpus, COBS blocks and a deframed stream
// with broken blocks and an overflow.
import t from 'tap';
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { buildEspruino } from '../../firmware/targets/espruino/bundle.ts';
import { corpus, prng, toHex } from '../protocol/corpus.ts';
import { cobsOutcome, decodeOutcome, deframeOutcome } from './codec-probe.ts';
import { espruinoContext } from './runtimes.ts';
import { buildLuaBundle } from '../../firmware/targets/nodemcu/bundle.ts';
import { luaString, runFengari } from '../helpers/lua.ts';

const PROBE = 'test/firmware/codec-probe.ts';
type Probe = { decodeOutcome: typeof decodeOutcome; cobsOutcome: typeof cobsOutcome; deframeOutcome: typeof deframeOutcome };

let built: Promise<{ probe: Probe; code: string }> | undefined;
function espruinoProbe(): Promise<{ probe: Probe; code: string }> {
  built ??= buildEspruino({ entry: PROBE, globalName: 'P' }).then(({ code }) => {
    const ctx = espruinoContext();
    vm.runInContext(code, ctx);
    return { probe: ctx.P as Probe, code };
  });
  return built;
}

t.test('the Espruino codec is rewritten', async (t) => {
  const { code } = await espruinoProbe();
  t.notMatch(code, 'exceeds the limit', 'reasons are gone');
  t.notMatch(code, 'POD_ADD', 'constant tables are gone');
  t.match(code, '"bad-crc"', 'error codes stay');
});

t.test('errors.json: same codes and offsets', async (t) => {
  const { probe } = await espruinoProbe();
  const { vectors } = JSON.parse(readFileSync('protocol/vectors/errors.json', 'utf8')) as {
    vectors: { name: string; hex: string; limits?: { maxFrame?: number; maxMessages?: number }; error?: { code: string; offset: number } }[];
  };
  t.ok(vectors.filter((v) => v.error).length >= 7, 'error vectors');
  for (const v of vectors) {
    const args = [v.hex, v.limits?.maxFrame ?? -1, v.limits?.maxMessages ?? -1] as const;
    const got = probe.decodeOutcome(...args);
    if (v.error) t.equal(got, `error ${v.error.code} at ${v.error.offset}`, v.name);
    else t.equal(got, decodeOutcome(...args), `${v.name}: decodes as in Node`);
  }
});

t.test('errors.json in the Lua builds (fengari)', async (t) => {
  const { vectors } = JSON.parse(readFileSync('protocol/vectors/errors.json', 'utf8')) as {
    vectors: { name: string; hex: string; limits?: { maxFrame?: number; maxMessages?: number }; error?: { code: string; offset: number } }[];
  };
  const args = vectors.map((v) => [v.hex, v.limits?.maxFrame ?? -1, v.limits?.maxMessages ?? -1] as const);
  const want = vectors.map((v, i) => (v.error ? `error ${v.error.code} at ${v.error.offset}` : decodeOutcome(...args[i])));
  for (const runtime of ['5.1', '5.3'] as const) {
    const bundle = buildLuaBundle(PROBE, runtime);
    t.notMatch(bundle, 'exceeds the limit', `Lua ${runtime}: reasons are gone`);
    const got = runFengari({ bundle, calls: args.map(([h, f, m]) => `m.decodeOutcome(${luaString(h)}, ${f}, ${m})`) }).split('\n');
    t.same(got, want, `Lua ${runtime}: every vector gives its code and offset, or decodes as in Node`);
  }
});

t.test('fuzz corpus, COBS and deframer: same outcomes as the Node codec', async (t) => {
  const { probe } = await espruinoProbe();
  const inputs = corpus(0xc0de, 400).map(toHex);
  let same = 0;
  for (const hex of inputs) {
    for (const [maxFrame, maxMessages] of [[-1, -1], [64, 3]]) {
      const want = decodeOutcome(hex, maxFrame, maxMessages);
      const got = probe.decodeOutcome(hex, maxFrame, maxMessages);
      if (got === want) same++;
      else t.equal(got, want, `decode ${hex.slice(0, 40)}`);
    }
    if (probe.cobsOutcome(hex) === cobsOutcome(hex)) same++;
    else t.equal(probe.cobsOutcome(hex), cobsOutcome(hex), `cobs ${hex.slice(0, 40)}`);
  }
  t.equal(same, inputs.length * 3, `all ${inputs.length * 3} outcomes agree`);
  t.ok(inputs.some((h) => decodeOutcome(h, -1, -1).startsWith('error bad-crc')) && inputs.some((h) => cobsOutcome(h).startsWith('error bad-cobs')), 'errors were exercised');

  const rand = prng(7);
  const chunks: string[] = [];
  for (let i = 0; i < 200; i++) chunks.push(toHex(Array.from({ length: 1 + Math.floor(rand() * 9) }, () => (rand() < 0.2 ? 0 : Math.floor(rand() * 256)))));
  chunks.push('05'.repeat(100), '00');
  const want = deframeOutcome(chunks.join(' '), 64);
  t.match(want, /error overflow at \d+/, 'the stream overflows');
  t.match(want, /error bad-cobs at \d+/, 'and has broken blocks');
  t.equal(probe.deframeOutcome(chunks.join(' '), 64), want, 'same frames, errors and counters');
});
