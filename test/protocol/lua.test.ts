// The decoder compiled to Lua passes the golden vectors and agrees with the JS decoder on a fuzz
// corpus, line for line: in fengari (always), and in Debian's lua5.1 + bit and lua5.3 (where
// installed; .ci/run installs them).
import t from 'tap';
import type { Test } from 'tap';
import { readFileSync } from 'node:fs';
import { buildLua } from '../../tools/lua/build.ts';
import type { LuaRuntime } from '../../tools/lua/build.ts';
import { luaCliMissing, luaString, runFengari, runLuaCli } from '../helpers/lua.ts';
import type { LuaProgram } from '../helpers/lua.ts';
import { cobsHex, decodeHex, streamHex } from './lua/harness.ts';
import { corpus, toHex } from './corpus.ts';
import { cobsEncode } from '../../protocol/codec/index.ts';

interface Case {
  /** Lua expression and the JS call giving the expected line. */
  lua: string;
  expected: string;
}

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../protocol/vectors/${name}.json`, import.meta.url), 'utf8'));

function decodeCase(hex: string, maxFrame = 65535, maxMessages = -1): Case {
  return { lua: `m.decodeHex(${luaString(hex)}, ${maxFrame}, ${maxMessages})`, expected: decodeHex(hex, maxFrame, maxMessages) };
}

function vectorCases(): Case[] {
  const cases: Case[] = [];
  for (const file of ['messages', 'frames']) for (const v of load(file).vectors) cases.push(decodeCase(v.hex));
  for (const s of load('frames').snapshots) for (const f of s.frames) cases.push(decodeCase(f.hex, s.maxFrame));
  for (const v of load('errors').vectors) cases.push(decodeCase(v.hex, v.limits?.maxFrame ?? 1024, v.limits?.maxMessages ?? -1));
  for (const v of load('cobs').vectors) cases.push({ lua: `m.cobsHex(${luaString(v.encoded)})`, expected: cobsHex(v.encoded) });
  return cases;
}

function streamCases(): Case[] {
  // Frames in a COBS stream with garbage between them, fed in chunks of several sizes.
  const frames = load('messages').vectors.map((v: { hex: string }) => v.hex) as string[];
  const framed = frames.map((hex) => toHex([...cobsEncode(Array.from(Buffer.from(hex, 'hex'))), 0])).join('');
  const noisy = `ff13370000${framed.slice(0, 60)}00deadbeef00${framed}${'41'.repeat(1400)}00${framed}`;
  return [1, 7, 64, 4096].map((chunk) => ({ lua: `m.streamHex(${luaString(noisy)}, ${chunk})`, expected: streamHex(noisy, chunk) }));
}

function fuzzCases(count: number): Case[] {
  return corpus(0x5eed, count).map((bytes) => decodeCase(toHex(bytes), 1024, -1));
}

const builds = new Map<LuaRuntime, string>();
function bundle(runtime: LuaRuntime): string {
  if (!builds.has(runtime)) builds.set(runtime, buildLua({ entry: 'test/protocol/lua/harness.ts', runtime }).code);
  return builds.get(runtime)!;
}

function check(t: Test, run: (p: LuaProgram) => string, runtime: LuaRuntime, cases: Case[], label: string): void {
  const got = run({ bundle: bundle(runtime), calls: cases.map((c) => c.lua) }).split('\n');
  t.equal(got.length, cases.length, `${label}: one line per case`);
  let mismatches = 0;
  cases.forEach((c, i) => {
    if (got[i] !== c.expected) {
      mismatches++;
      if (mismatches <= 5) t.equal(got[i], c.expected, `${label}: case ${i} (${c.lua.slice(0, 80)})`);
    }
  });
  t.equal(mismatches, 0, `${label}: all ${cases.length} cases agree with the JS decoder`);
}

const vectors = vectorCases();
const streams = streamCases();
t.ok(vectors.some((c) => c.expected.startsWith('error')), 'the vector cases include errors');

for (const runtime of ['5.1', '5.3'] as const) {
  t.test(`Lua ${runtime} build in fengari`, async (t) => {
    check(t, runFengari, runtime, vectors, 'vectors');
    check(t, runFengari, runtime, streams, 'streams');
    check(t, runFengari, runtime, fuzzCases(600), 'fuzz');
  });
  const cli = runtime === '5.1' ? 'lua5.1' : 'lua5.3';
  const missing = luaCliMissing(cli);
  t.test(`Lua ${runtime} build in Debian's ${cli}`, { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
    const run = (p: LuaProgram) => runLuaCli(cli, p);
    check(t, run, runtime, vectors, 'vectors');
    check(t, run, runtime, streams, 'streams');
    check(t, run, runtime, fuzzCases(3000), 'fuzz');
  });
}
