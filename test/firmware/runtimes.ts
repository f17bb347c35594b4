// Runs the portable harness (harness.ts) on every runtime: Node (the source itself), the
// Espruino build in a vm stripped of what Espruino lacks, and the minified Lua builds in fengari
// and Debian's lua5.1 / lua5.3. Each runner takes harness calls and returns their outputs.
import vm from 'node:vm';
import type { LuaRuntime } from '../../tools/lua/build.ts';
import { buildLuaBundle } from '../../firmware/targets/nodemcu/bundle.ts';
import { buildEspruino } from '../../firmware/targets/espruino/bundle.ts';
import { luaString } from '../helpers/lua.ts';

export const HARNESS = 'test/firmware/harness.ts';

export interface Call {
  fn: 'replay' | 'fuzz';
  args: (string | number | boolean)[];
}

const luaBuilds = new Map<LuaRuntime, string>();
/** The harness as a minified Lua bundle, built the way firmware/build.ts builds the firmware. */
export function luaHarness(runtime: LuaRuntime): string {
  if (!luaBuilds.has(runtime)) {
    luaBuilds.set(runtime, buildLuaBundle(HARNESS, runtime));
  }
  return luaBuilds.get(runtime)!;
}

export function luaCall(c: Call): string {
  const args = c.args.map((a) => (typeof a === 'string' ? luaString(a) : String(a)));
  return `m.${c.fn}(${args.join(', ')})`;
}

/** What Espruino 2v2x lacks (shared/DESIGN.md), removed from a fresh context. */
const STRIP_PRELUDE = `
  delete globalThis.Map; delete globalThis.Set; delete globalThis.WeakMap; delete globalThis.WeakSet;
  delete globalThis.Symbol; delete globalThis.BigInt; delete globalThis.Proxy; delete globalThis.Reflect;
  delete Array.from; delete Array.of; delete Math.imul; delete Number.isInteger; delete Uint8Array.from;
  delete Object.entries; delete Object.values;
`;

/** A vm context shaped like Espruino, with `extra` globals (API stand-ins). */
export function espruinoContext(extra: Record<string, unknown> = {}): vm.Context {
  const ctx = vm.createContext({ ...extra });
  vm.runInContext(STRIP_PRELUDE, ctx);
  return ctx;
}

let espruinoCode: Promise<string> | undefined;
export function espruinoHarness(): Promise<string> {
  espruinoCode ??= buildEspruino({ entry: HARNESS, globalName: 'H' }).then((r) => r.code);
  return espruinoCode;
}

export async function runEspruino(calls: Call[]): Promise<string[]> {
  const ctx = espruinoContext();
  vm.runInContext(await espruinoHarness(), ctx);
  const H = ctx.H as Record<string, (...a: unknown[]) => string>;
  return calls.map((c) => H[c.fn](...c.args));
}
