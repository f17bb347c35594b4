// `npm run bench:firmware`: the firmware budgets. Minified Espruino file size (budget 12 KB),
// Lua bundle size (24 KB), Lua memory with 60 pods loaded (16 KB of state), JS objects per pod;
// speed: espruino-cost-<render|delta|snapshot>-<pods> (firmware-speed.ts' cost model) and
// lua-us-<render|delta|snapshot>-<pods> (lua5.1, os.clock).
// Last line: `firmware-espruino-bytes: N` (the largest Espruino board file).
import { allBoards } from '../../boards/index.ts';
import { buildEspruinoBoard, buildNodemcu } from '../../firmware/build.ts';
import { luaHarness } from '../firmware/runtimes.ts';
import { loaded } from '../firmware/harness.ts';
import { luaCliMissing, runFengari, runLuaCli } from '../helpers/lua.ts';
import type { LuaProgram } from '../helpers/lua.ts';
import { espruinoCosts, luaTimes, SIZES } from './firmware-speed.ts';

const KB = 1024;
const line = (name: string, value: string, budget = '') => console.log(`${name.padEnd(44)} ${value.padStart(12)}  ${budget}`);

let espruinoMax = 0;
for (const b of allBoards()) {
  if (b.runtime === 'espruino') {
    const n = Buffer.byteLength(await buildEspruinoBoard(b));
    espruinoMax = Math.max(espruinoMax, n);
    line(`espruino file ${b.name}`, `${n} B`, `budget ${12 * KB} B ${n <= 12 * KB ? 'ok' : 'OVER'}`);
  } else if (b.runtime === 'lua5.1' || b.runtime === 'lua5.3') {
    const n = Buffer.byteLength(buildNodemcu(b));
    line(`lua bundle ${b.name}`, `${n} B`, `budget ${24 * KB} B ${n <= 24 * KB ? 'ok' : 'OVER'}`);
  }
}

// Lua memory: the heap after loading the bundle (code), then everything a board with 0 and with 60
// pods keeps (model, buffers, core, settings, closures), measured from a settled heap: the
// snapshot frame is built before the first reading and held across both, and the collector runs
// until the heap stops shrinking (Lua 5.1 halves its string table once per cycle, so one or two
// collections would still count the table grown while the frame was built). In KB, as
// collectgarbage("count") gives it.
const memCall = (pods: number) =>
  `(function() local function settle() local c = collectgarbage("count"); for i = 1, 20 do collectgarbage("collect"); ` +
  `local n = collectgarbage("count"); if n == c then break end; c = n end; return c end; ` +
  `local frame = m.snapshotFrame(${pods}); local a = settle(); KEEP = m.boardWith(frame); local b = settle(); KEEP = nil; ` +
  `return tostring(math.floor(a * 1024)) .. " " .. tostring(math.floor((b - a) * 1024)) end)()`;
for (const runtime of ['5.1', '5.3'] as const) {
  const program: LuaProgram = { bundle: luaHarness(runtime), calls: [memCall(0), memCall(60)] };
  const cli = runtime === '5.1' ? 'lua5.1' : 'lua5.3';
  const run = luaCliMissing(cli) ? runFengari : (p: LuaProgram) => runLuaCli(cli, p);
  const [zero, sixty] = run(program).split('\n').map((l) => l.split(' ').map(Number));
  const label = luaCliMissing(cli) ? `fengari ${runtime}` : cli;
  line(`lua ${runtime} heap after load (${label})`, `${zero[0]} B`, '(code: in flash with LFS on a device)');
  line(`lua ${runtime} state, board with 0 pods`, `${zero[1]} B`);
  line(`lua ${runtime} state, board with 60 pods`, `${sixty[1]} B`, `budget ${16 * KB} B ${sixty[1] <= 16 * KB ? 'ok' : 'OVER'}`);
}

// JS objects per pod: walk everything reachable from the core and count objects and array slots.
function census(root: unknown): { objects: number; slots: number } {
  const seen = new Set<unknown>();
  let objects = 0;
  let slots = 0;
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    objects++;
    if (Array.isArray(v)) slots += v.length;
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
  };
  walk(root);
  return { objects, slots };
}
// Speed: the Espruino cost model (element accesses, a plain Array's walk counted; the same core
// with plain stores as the baseline of this run) and microseconds in real lua5.1.
const costs = await espruinoCosts();
for (const [name, n] of costs.typed) console.log(`${name}: ${n}`);
for (const pods of SIZES) {
  const name = `espruino-cost-snapshot-${pods}`;
  line(`  plain-array stores instead (baseline)`, `${costs.plain.get(name)}`, `${name}: ${(costs.plain.get(name)! / costs.typed.get(name)!).toFixed(0)}x the typed stores' cost`);
}
const lua = luaTimes();
if (lua === undefined) line('lua-us-*', 'skipped', '(lua5.1 missing: apt-get install lua5.1 lua-bitop)');
else for (const [name, us] of lua) console.log(`${name}: ${us}`);

const c0 = census(loaded(0));
const c60 = census(loaded(60));
line('js objects per pod', ((c60.objects - c0.objects) / 60).toFixed(2), '(structure of arrays: pods are numbers in one array)');
line('js array slots per pod', ((c60.slots - c0.slots) / 60).toFixed(2));
console.log(`firmware-espruino-bytes: ${espruinoMax}`);
