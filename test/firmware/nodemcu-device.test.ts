// The real NodeMCU firmware files (firmware/build.ts output: esp8266-nodemcu-ws2812 as the Lua 5.1
// build, esp32-nodemcu-ws2812 as the Lua 5.3 build, and the ESP8266 one over serial) run with Lua
// stand-ins for the NodeMCU modules they use, in fengari (always) and in Debian's lua5.1 / lua5.3
// (skipped with the reason when missing). The stand-ins follow the NodeMCU documentation of each
// branch and raise on a call the real module would reject or misread: ESP8266 3.0 (ws2812.init +
// ws2812.write(buffer), pixbuf.newBuffer, tmr.now wrapping at 2^31, mqtt secure as a boolean,
// subscribe by table or one topic, wifi.sta.config(cfg)) and dev-esp32 (ws2812.write({pin, data}),
// ws2812.newBuffer, node.uptime, mqtt secure as 0/1 and one topic a subscribe call, wifi.mode +
// wifi.start + wifi.sta.connect). The board boots, connects, subscribes, says HELLO, takes the
// retained COBS-framed snapshot and live frames, and writes the virtual board's pixels (GRB) to
// ws2812, while its microsecond counter wraps. WiFi, broker and board id come from the settings
// file podlights.cfg (a Lua chunk, as podlights provision writes it) through the `file` stand-in.
import t from 'tap';
import type { Test } from 'tap';
import { getBoard } from '../../boards/index.ts';
import type { BoardProfile } from '../../boards/index.ts';
import { buildNodemcu } from '../../firmware/build.ts';
import { nodemcuSettingsText } from '../../bridge/flash/settings.ts';
import { decodeFrame, MSG, streamFrame } from '../../protocol/index.ts';
import { luaCliMissing, luaString, runFengari, runLuaCli } from '../helpers/lua.ts';
import type { LuaCli, LuaProgram } from '../helpers/lua.ts';
import { luaFiles, standIns } from './nodemcu-standins.ts';
import { expected, hex, mqttCalls, story } from './nodemcu-story.ts';
import type { Story } from './nodemcu-story.ts';
import type { Variant } from './nodemcu-standins.ts';

const programs = new Map<BoardProfile, LuaProgram>();
function program(board: BoardProfile, s: Story): LuaProgram {
  if (!programs.has(board)) programs.set(board, makeProgram(board, s));
  return programs.get(board)!;
}

function makeProgram(board: BoardProfile, s: Story): LuaProgram {
  const variant: Variant = board.mcu === 'esp32' ? 'esp32' : 'esp8266';
  const code = buildNodemcu(board);
  const settings = nodemcuSettingsText({ ssid: 'lab', password: 'secret-pw', mqttHost: 'broker.lan' });
  const base = `podlights/${board.name}/`;
  const serial = board.transport === 'serial';
  const calls = serial
    ? ['T.log()', 'T.step(20)', `T.uart(${luaString(hex(s.snapshot.map(streamFrame)))})`, 'T.step(100)', 'T.pixels()', `T.uart(${luaString(hex(streamFrame(s.delta)))})`]
    : mqttCalls(base, s);
  calls.push('T.step(1000)', 'T.pixels()', 'T.step(50)', 'T.pixels()', 'T.us()', 'T.log()');
  return { bundle: `${standIns(variant, Number(board.pins.data))}\n${luaFiles({ 'podlights.cfg': settings })}\n${code}`, calls };
}

function check(t: Test, board: BoardProfile, out: string[], s: Story): void {
  const want = expected(board, s);
  const serial = board.transport === 'serial';
  const esp32 = board.mcu === 'esp32';
  const hello = (line: string, prefix: string) => {
    const at = line.indexOf(prefix);
    t.ok(at >= 0, `HELLO sent (${prefix.trim()})`);
    const f = decodeFrame(Buffer.from(line.slice(at + prefix.length).split(' ')[0], 'hex').toString('latin1'));
    t.ok(f.ok && f.messages[0].type === MSG.HELLO && f.messages[0].boardId === board.name && f.messages[0].ledCount === board.ledCount, 'HELLO names the board and its LEDs');
  };
  if (serial) {
    const [boot, , , , px1] = out;
    t.match(boot, /^uart\.setup \| uart 00 \| uart 0[0-9a-f]+00$/, 'boot: uart set up, a delimiter, then HELLO written COBS-framed with its delimiter');
    t.equal(px1, want[0], 'snapshot from the serial line: virtual board pixels, GRB');
    t.equal(out[7], want[1], 'live frame after the counter wrapped');
    t.equal(out[9], want[2], 'still animating');
    return;
  }
  const [boot, , connecting, , connected, , , px1, , , px2, , px3, us] = out;
  t.notMatch(boot, /secret-pw|broker/, 'no settings in the build (they come from podlights.cfg)');
  if (esp32) t.equal(boot, 'print podlights-fw/0.1.0 ' + board.name + ' | wifi.mode STATION | wifi.sta.config ssid=lab save=false | wifi.sta.on disconnected | wifi.start | wifi.sta.connect', 'ESP32 WiFi: mode, config(cfg, save), start, connect');
  else t.equal(boot, 'print podlights-fw/0.1.0 ' + board.name + ' | wifi.setmode STATION | wifi.sta.config ssid=lab auto=true save=false', 'ESP8266 WiFi: setmode, config with auto-connect, not saved to flash');
  t.match(connecting, new RegExp(`^client ${board.name} keepalive=30 clean=1${esp32 ? '' : ' max=4096'} \\| lwt podlights/${board.name}/status offline qos=0 retain=1 \\| connect broker.lan:1883$`), 'first timer tick: one client, its last will, connect');
  const subs = connected.split(' | ').filter((l) => l.startsWith('subscribe '));
  t.same(subs, [`subscribe podlights/${board.name}/frames`, `subscribe podlights/${board.name}/snapshot`, 'subscribe podlights/bridge/state'], 'subscribes to its topics, one at a time');
  t.match(connected.split(' | ').pop(), `publish podlights/${board.name}/hello `, 'HELLO once subscribed');
  hello(connected, `publish podlights/${board.name}/hello `);
  t.equal(px1, want[0], 'retained COBS-framed snapshot: virtual board pixels, GRB');
  t.equal(px2, want[1], 'live frame, after the microsecond counter wrapped');
  t.equal(px3, want[2], '50 ms later: still animating');
  t.not(px2, px3, 'the pulse and the breathing move');
  t.ok(Number(us) > 2 ** 31, 'the stand-in counter went past 2^31 µs (tmr.now() wrapped)');
}

const boards: BoardProfile[] = [getBoard('esp8266-nodemcu-ws2812'), getBoard('esp32-nodemcu-ws2812'), { ...getBoard('esp8266-nodemcu-ws2812'), transport: 'serial' }];
const s = story();
for (const board of boards) {
  const label = `${board.name}${board.transport === 'serial' ? ' over serial' : ''} (Lua ${board.runtime === 'lua5.1' ? '5.1' : '5.3'} build)`;
  const cli: LuaCli = board.runtime === 'lua5.1' ? 'lua5.1' : 'lua5.3';
  t.test(`${label} in fengari`, async (t) => check(t, board, runFengari(program(board, s)).split('\n'), s));
  const missing = luaCliMissing(cli);
  t.test(`${label} in ${cli}`, { skip: missing ? `skipped: ${missing}` : false }, async (t) => check(t, board, runLuaCli(cli, program(board, s)).split('\n'), s));
}
