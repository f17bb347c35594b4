// The Lua bundle of a firmware entry, as NodeMCU gets it (Node only): the same source rewrites as
// the Espruino build (espruino/inline.ts: constants inlined, so `MSG.POD_ADD` and the record
// layout are literals instead of table lookups in every loop; decode error reasons dropped),
// compiled by typescript-to-lua (tools/lua/build.ts) and minified (minify.ts + names.ts).
// test/firmware/codec-builds.test.ts proves the rewritten codec keeps every error code and offset.
import { resolve } from 'node:path';
import * as ts from 'typescript';
import { buildLua } from '../../../tools/lua/build.ts';
import type { LuaRuntime } from '../../../tools/lua/build.ts';
import { rewriteSources, storeSources } from '../espruino/inline.ts';
import { minifyLua } from './minify.ts';
import { planNames } from './names.ts';

/** typescript-to-lua output for `entry` with the sources rewritten (not minified). */
export function compileLua(entry: string, runtime: LuaRuntime, rewrite = true, podLimit?: number): string {
  if (!rewrite) return buildLua({ entry, runtime }).code;
  const sources = rewriteSources(entry, { overrides: storeSources(false, podLimit), compound: false });
  // typescript-to-lua reads sources through ts.sys: serve the rewritten text for our files.
  const sys = ts.sys;
  const readFile = sys.readFile;
  sys.readFile = (path: string, encoding?: string) => sources.get(resolve(path)) ?? readFile.call(sys, path, encoding);
  try {
    return buildLua({ entry, runtime }).code;
  } finally {
    sys.readFile = readFile;
  }
}

/** The minified bundle (what goes on the board after the baked PL table). */
export function buildLuaBundle(entry: string, runtime: LuaRuntime, podLimit?: number): string {
  const plan = planNames(entry);
  return minifyLua(compileLua(entry, runtime, true, podLimit), { fields: plan.rename, keep: plan.keep });
}
