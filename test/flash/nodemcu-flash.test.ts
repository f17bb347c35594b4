// `podlights flash esp8266-nodemcu-ws2812 --port <pty>` against a NodeMCU console stand-in: real
// lua5.1 on the far end of a socat pseudo-terminal pair (nodemcu-console.ts). nodemcu-tool (used
// as a library) uploads the firmware, compiles it on the "board" (node.compile to bytecode), writes
// init.lua and the settings file; the board restarts and prints its start line. Then the files it
// left boot in lua5.1 with the device stand-ins, connect to the broker named in the settings, and
// render the virtual board's pixels. `podlights provision` then changes the WiFi: the settings file
// changes, the compiled firmware does not.
import t from 'tap';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBoard } from '../../boards/index.ts';
import { buildNodemcu } from '../../firmware/build.ts';
import { standIns } from '../firmware/nodemcu-standins.ts';
import { expected, mqttCalls, story } from '../firmware/nodemcu-story.ts';
import { luaCliMissing, luaString, runLuaCli } from '../helpers/lua.ts';
import { nodemcuOnPty } from './boards-on-pty.ts';
import { podlights, socatMissing } from './tools.ts';

const missing = socatMissing() ?? luaCliMissing('lua5.1');
if (missing) console.log(`# skipping the NodeMCU flash tests: ${missing}`);

const board = getBoard('esp8266-nodemcu-ws2812');
const s = story();

/** Boots the files in `spiffs` (init.lua -> podlights.lc) in lua5.1 with the device stand-ins and plays the story. */
function bootFiles(spiffs: string, boardId: string): string[] {
  const base = `podlights/${boardId}/`;
  const out = runLuaCli('lua5.1', {
    bundle: `${standIns('esp8266', Number(board.pins.data))}\nFILES_DIR = ${luaString(spiffs)}\ndofile("init.lua")`,
    calls: [...mqttCalls(base, s), 'T.step(1000)', 'T.pixels()'],
  });
  return out.split('\n');
}

t.test('flash and provision a NodeMCU board over a serial console', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const { host, spiffs } = await nodemcuOnPty(t, Number(board.pins.data));

  const password = 'pa ss"wörd\\1';
  const r = await podlights(['flash', 'esp8266-nodemcu-ws2812', '--port', host, '--board-id', 'desk-7', '--wifi-ssid', 'lab-net', '--mqtt-host', 'broker.lan', '--mqtt-port', '1884'], {
    PODLIGHTS_WIFI_PASSWORD: password,
  });
  t.equal(r.code, 0, `flash exits 0 (stderr: ${r.stderr})`);
  t.match(r.stdout, /^flashed esp8266-nodemcu-ws2812 on \S+ in \d+\.\d s: podlights-fw\/0\.1\.0 desk-7\n$/, 'verified by the start line the board printed after node.restart()');
  t.match(r.stderr, /NodeMCU, Lua 5\.1/, 'the board was asked what it runs');
  t.match(r.stderr, /upload podlights +\[#{30}\] 100%/, 'progress bar');
  t.match(r.stderr, /compile on board: done in \d+\.\d s, podlights\.lc, source removed/, 'compiled on the board');
  t.notMatch(r.stderr + r.stdout, /wörd/, 'the password is not printed');

  t.same(readdirSync(spiffs).sort(), ['init.lua', 'podlights.cfg', 'podlights.lc'], 'on the board: init.lua, the bytecode and the settings, no source');
  const lc = readFileSync(join(spiffs, 'podlights.lc'));
  t.equal(lc.subarray(0, 4).toString('latin1'), '\x1bLua', 'podlights.lc is Lua bytecode (node.compile)');
  const build = buildNodemcu(board);
  t.notMatch(build, /lab-net|broker\.lan|desk-7|wörd/, 'the build carries no settings');

  const out = bootFiles(spiffs, 'desk-7');
  const want = expected(board, s);
  t.equal(out[0], 'print podlights-fw/0.1.0 desk-7 | wifi.setmode STATION | wifi.sta.config ssid=lab-net auto=true save=false', 'boots from init.lua -> podlights.lc with the WiFi of the settings file');
  t.match(out[2], /^client desk-7 keepalive=30 clean=1 max=4096 \| lwt podlights\/desk-7\/status offline qos=0 retain=1 \| connect broker\.lan:1884$/, "connects to the broker of the settings file, with its last will");
  t.match(out[4], /subscribe podlights\/desk-7\/frames .*publish podlights\/desk-7\/hello /, 'subscribes and says HELLO as desk-7');
  t.equal(out[7], want[0], 'the retained snapshot renders the virtual board pixels');
  t.equal(out[10], want[1], 'and so does the live frame');

  // Provisioning: new WiFi, no rebuild.
  const p = await podlights(['provision', '--port', host, '--wifi-ssid', 'other-net', '--wifi-password', 'another-pass']);
  t.equal(p.code, 0, `provision exits 0 (stderr: ${p.stderr})`);
  t.match(p.stdout, /^provisioned \S+ in \d+\.\d s: podlights-fw\/0\.1\.0 desk-7\n$/, 'the board restarted with the new settings');
  t.equal(createHash('sha256').update(readFileSync(join(spiffs, 'podlights.lc'))).digest('hex'), createHash('sha256').update(lc).digest('hex'), 'the firmware did not change');
  t.same(readdirSync(spiffs).sort(), ['init.lua', 'podlights.cfg', 'podlights.lc'], 'the incoming settings were merged and removed');
  const again = bootFiles(spiffs, 'desk-7');
  t.equal(again[0], 'print podlights-fw/0.1.0 desk-7 | wifi.setmode STATION | wifi.sta.config ssid=other-net auto=true save=false', 'it joins the new WiFi');
  t.match(again[2], / \| connect broker\.lan:1884$/, 'and keeps its broker (only the WiFi was given)');
  t.equal(again[7], want[0], 'and still renders the same pixels');
});
