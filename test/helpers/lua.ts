// Runs Lua bundles built from the portable TypeScript: in Debian's lua5.1 (with lua-bitop) and
// lua5.3 where installed, and always in fengari (a Lua 5.3 VM in JavaScript from npm), so every
// machine proves the Lua builds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface LuaProgram {
  /** The bundle's code; its return value (the entry's exports) is bound to local `m`. */
  bundle: string;
  /** Lua expressions, each evaluating to a string; results are printed one per line. */
  calls: string[];
}

// Lua-bitop semantics (results are signed 32-bit) on Lua 5.3's native operators, so the 5.1
// build, which calls bit.*, also runs in fengari.
const BIT_SHIM = `
if bit == nil then
  local function s32(x) x = x & 0xFFFFFFFF; if x >= 0x80000000 then return x - 0x100000000 end; return x end
  local function u(x) return math.tointeger(x) & 0xFFFFFFFF end
  bit = {
    band = function(a, b) return s32(u(a) & u(b)) end,
    bor = function(a, b) return s32(u(a) | u(b)) end,
    bxor = function(a, b) return s32(u(a) ~ u(b)) end,
    bnot = function(a) return s32(~u(a)) end,
    lshift = function(a, n) return s32(u(a) << n) end,
    rshift = function(a, n) return s32(u(a) >> n) end,
    arshift = function(a, n) local x = s32(u(a)); return s32(x >> n | (x < 0 and ~(0xFFFFFFFF >> n) or 0)) end,
  }
end
`;

/** The program as one Lua chunk that returns its output as a single string. */
export function luaChunk(program: LuaProgram, options: { shimBit: boolean }): string {
  const lines = [
    options.shimBit ? BIT_SHIM : 'if bit == nil then local ok, b = pcall(require, "bit"); if ok then bit = b end end',
    'local m = (function(...)',
    program.bundle,
    'end)()',
    'local OUT = {}',
    ...program.calls.map((c) => `OUT[#OUT + 1] = ${c}`),
    'return table.concat(OUT, "\\n")',
  ];
  return lines.join('\n');
}

/** A Lua string literal for ASCII text (hex input, names). */
export function luaString(s: string): string {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error('luaString is for printable ASCII only');
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export type LuaCli = 'lua5.1' | 'lua5.3';

/** Why a Debian Lua cannot be used here, or undefined when it can. */
export function luaCliMissing(cli: LuaCli): string | undefined {
  const probe = cli === 'lua5.1' ? 'require("bit")' : 'assert(math.type(1) == "integer")';
  const r = spawnSync(cli, ['-e', probe], { encoding: 'utf8' });
  if (r.error) return `${cli} not installed (apt-get install ${cli === 'lua5.1' ? 'lua5.1 lua-bitop' : 'lua5.3'})`;
  if (r.status !== 0) return `${cli} cannot run the probe ${probe}: ${r.stderr.trim()} (apt-get install lua-bitop)`;
  return undefined;
}

export function runLuaCli(cli: LuaCli, program: LuaProgram): string {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-lua-'));
  try {
    const file = join(dir, 'main.lua');
    writeFileSync(file, `local out = (function() ${luaChunk(program, { shimBit: false })} end)()\nio.write(out)\n`);
    const r = spawnSync(cli, [file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cli} failed (${r.status ?? r.signal}): ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Fengari {
  lua: Record<string, any>;
  lauxlib: Record<string, any>;
  lualib: Record<string, any>;
  to_luastring(s: string): Uint8Array;
  to_jsstring(s: Uint8Array): string;
}

export function runFengari(program: LuaProgram): string {
  const { lua, lauxlib, lualib, to_luastring } = require('fengari') as Fengari;
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const status = lauxlib.luaL_loadstring(L, to_luastring(luaChunk(program, { shimBit: true })));
  if (status !== lua.LUA_OK) throw new Error(`fengari load: ${lua.lua_tojsstring(L, -1)}`);
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(`fengari run: ${lua.lua_tojsstring(L, -1)}`);
  return lua.lua_tojsstring(L, -1) as string;
}
