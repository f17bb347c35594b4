// The NodeMCU HAL clock (firmware/core/clock.ts) runs on across the microsecond counter's wraps
// (tmr.now() on the ESP8266 every 35.8 minutes) and past 2^31 ms (24.8 days), where a 32-bit
// Lua integer (fengari, NodeMCU builds) would turn negative: after 26 days the board still
// animates, and the Lua builds (fengari always, lua5.1 / lua5.3 where installed) read the same
// milliseconds and draw the same pixels as Node.
import t from 'tap';
import { Clock } from '../../firmware/core/clock.ts';
import { encodeFrame, encodeSnapshot, MSG, POD_STATE } from '../../protocol/index.ts';
import { buildLuaBundle } from '../../firmware/targets/nodemcu/bundle.ts';
import { luaCliMissing, luaString, runFengari, runLuaCli } from '../helpers/lua.ts';
import type { LuaProgram } from '../helpers/lua.ts';
import { longRun } from './clock-probe.ts';

const WRAP = 2 ** 31;

t.test('whole milliseconds across counter wraps', async (t) => {
  let raw = WRAP - 1234;
  const c = new Clock(WRAP, 1000, raw);
  let us = 0;
  let ok = true;
  for (let i = 0; i < 200000; i++) {
    const step = 1 + ((i * 7919) % 40000); // up to 40 ms between timer ticks, odd microseconds
    raw = (raw + step) % WRAP;
    us += step;
    if (c.read(raw) !== Math.floor(us / 1000)) ok = false;
  }
  t.ok(ok, `exact after ${Math.floor(us / 60e6)} minutes and ${Math.floor(us / WRAP)} wraps`);
  t.equal(new Clock(WRAP, 1000, 5).read(5), 0, 'starts at 0');
});

const snapshot = Buffer.concat(
  encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 10, kind: 0, label: 'n' },
      { type: MSG.GROUP, group: 0, r: 0, g: 200, b: 80, flags: 0 },
      { type: MSG.POD_ADD, pod: 1, lane: 0, group: 0, state: POD_STATE.RUNNING },
      { type: MSG.POD_ADD, pod: 2, lane: 0, group: 0, state: POD_STATE.PENDING },
      { type: MSG.POD_ADD, pod: 3, lane: 0, group: 0, state: POD_STATE.FAILED },
      { type: MSG.POD_ADD, pod: 4, lane: 0, group: 0, state: POD_STATE.NOT_READY },
    ],
    { seq: 1, snapshot: 1 },
  ),
).toString('hex');
const delta = Buffer.from(encodeFrame({ flags: 0, seq: 2, messages: [{ type: MSG.POD_ADD, pod: 5, lane: 0, group: 0, state: POD_STATE.CREATING }] })).toString('hex');
const node = longRun(snapshot, delta);

t.test('a board up for 26 days (Node)', async (t) => {
  const lines = node.split('\n');
  t.equal(lines[0], 'ticks 200 400 600 800', '20 ms ticks across a wrap');
  t.match(lines[1], /past 2\^31 ms$/, lines[1]);
  const frames = lines.filter((l) => l.startsWith('t0+')).map((l) => l.split(' ')[1]);
  t.equal(new Set(frames).size, frames.length, 'every sample differs: it still animates');
  t.match(lines[lines.length - 1], /^renders (\d+)$/);
  t.ok(Number(lines[lines.length - 1].split(' ')[1]) >= 25, 'and keeps rendering');
});

const call = `m.longRun(${luaString(snapshot)}, ${luaString(delta)})`;
for (const runtime of ['5.1', '5.3'] as const) {
  let built: LuaProgram | undefined;
  const program = (): LuaProgram => (built ??= { bundle: buildLuaBundle('test/firmware/clock-probe.ts', runtime), calls: [call] });
  t.test(`Lua ${runtime} build in fengari (32-bit integers)`, async (t) => t.equal(runFengari(program()), node));
  const cli = runtime === '5.1' ? 'lua5.1' : 'lua5.3';
  const missing = luaCliMissing(cli);
  t.test(`Lua ${runtime} build in ${cli}`, { skip: missing ? `skipped: ${missing}` : false }, async (t) => t.equal(runLuaCli(cli, program()), node));
}
