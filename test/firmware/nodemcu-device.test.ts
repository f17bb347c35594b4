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
// ws2812, while its microsecond counter wraps.
import t from 'tap';
import type { Test } from 'tap';
import { getBoard } from '../../boards/index.ts';
import type { BoardProfile } from '../../boards/index.ts';
import { buildNodemcu, flashConfig } from '../../firmware/build.ts';
import { decodeFrame, encodeFrame, encodeSnapshot, MSG, POD_STATE, streamFrame } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { luaCliMissing, luaString, runFengari, runLuaCli } from '../helpers/lua.ts';
import type { LuaCli, LuaProgram } from '../helpers/lua.ts';

type Variant = 'esp8266' | 'esp32';

/** 1 s before tmr.now() / node.uptime() wrap at 2^31 µs: the run crosses the wrap. */
const START_US = 2 ** 31 - 1_000_000 + 123;

function standIns(variant: Variant, pin: number): string {
  return `
local V = "${variant}"
local unpack = unpack or table.unpack
local LOG, PENDING = {}, {}
local US = ${START_US} + 0.0 -- a float: the stand-in's own clock must not wrap in fengari's 32-bit integers
local TIMER, TIMER_OBJ, CLIENT, CONNECTING, UART_CB
local LAST, WRITES, INITED, STARTED = "", 0, false, false
local function log(s) LOG[#LOG + 1] = s end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end
local function unhex(h) return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end)) end
local function later(f) PENDING[#PENDING + 1] = f end
local function flush() while #PENDING > 0 do table.remove(PENDING, 1)() end end

-- ws2812 / pixbuf: a buffer of n LEDs x ch bytes in the strip's own order, 1-based index.
local function newBuffer(n, ch)
  assert(type(n) == "number" and (ch == 3 or ch == 4), "newBuffer(numberOfLeds, bytesPerLed)")
  local b = { bytes = {} }
  for i = 1, n * ch do b.bytes[i] = 0 end
  function b:set(i, ...)
    local v = { ... }
    assert(type(i) == "number" and i >= 1 and i <= n, "buffer:set: index " .. tostring(i) .. " outside 1.." .. n)
    assert(#v == ch, "buffer:set takes " .. ch .. " numbers")
    for k = 1, ch do
      assert(type(v[k]) == "number" and v[k] >= 0 and v[k] <= 255 and v[k] == math.floor(v[k]), "buffer:set: bad byte " .. tostring(v[k]))
      b.bytes[(i - 1) * ch + k] = v[k]
    end
    return b
  end
  function b:fill(...) end
  return b
end
local function record(buf)
  assert(type(buf) == "table" and buf.bytes, "ws2812.write: not a buffer")
  WRITES = WRITES + 1
  LAST = hex(string.char(unpack(buf.bytes)))
end
ws2812 = {}
if V == "esp8266" then
  pixbuf = { newBuffer = newBuffer }
  function ws2812.init(mode) assert(mode == nil, "ws2812.init()"); INITED = true end
  function ws2812.write(a, b) assert(INITED, "ws2812.init() before ws2812.write()"); assert(b == nil); record(a) end
else
  ws2812.newBuffer = newBuffer
  function ws2812.write(t, extra)
    assert(type(t) == "table" and t.data ~= nil, "ESP32: ws2812.write({pin = .., data = ..})")
    assert(t.pin == ${pin}, "ESP32: ws2812.write pin " .. tostring(t.pin))
    record(t.data)
  end
end

tmr = { ALARM_SINGLE = 0, ALARM_SEMI = 1, ALARM_AUTO = 2 }
function tmr.create()
  local o = {}
  function o:alarm(ms, mode, cb)
    assert(type(ms) == "number" and ms > 0 and mode == tmr.ALARM_AUTO and type(cb) == "function", "tmr:alarm(ms, mode, cb)")
    TIMER, TIMER_OBJ = cb, o
    return true
  end
  return o
end
node = {}
if V == "esp8266" then
  function tmr.now() return math.floor(US % 2147483648) end
else
  function node.uptime() return math.floor(US % 2147483648), math.floor(US / 2147483648) end
end

mqtt = {}
local EVENTS = V == "esp8266" and { connect = 1, connfail = 1, suback = 1, unsuback = 1, puback = 1, message = 1, overflow = 1, offline = 1 }
  or { connect = 1, message = 1, offline = 1 }
function mqtt.Client(id, keepalive, user, pass, clean, maxlen)
  assert(type(id) == "string" and type(keepalive) == "number", "mqtt.Client(clientid, keepalive, ...)")
  assert(user == nil or type(user) == "string", "username")
  assert(pass == nil or type(pass) == "string", "password")
  assert(clean == nil or clean == 0 or clean == 1, "cleansession is 0/1")
  log("client " .. id .. " keepalive=" .. keepalive .. " clean=" .. tostring(clean) .. (V == "esp8266" and (" max=" .. tostring(maxlen)) or ""))
  local c = { on_ = {} }
  function c:on(ev, fn) assert(EVENTS[ev], "no mqtt event " .. tostring(ev)); assert(type(fn) == "function"); self.on_[ev] = fn end
  function c:connect(host, port, secure, ok, fail)
    assert(type(host) == "string" and type(port) == "number", "connect(host, port, ...)")
    if V == "esp8266" then assert(type(secure) == "boolean", "ESP8266: secure is a boolean (an integer is deprecated)")
    else assert(secure == 0 or secure == 1 or type(secure) == "table", "ESP32: secure is 0/1 or a table") end
    assert(type(ok) == "function" and (fail == nil or type(fail) == "function"))
    log("connect " .. host .. ":" .. port)
    CONNECTING = { c = self, ok = ok }
    return true
  end
  function c:subscribe(topic, qos, cb)
    if type(topic) == "table" then
      assert(V == "esp8266", "ESP32: subscribe(topic, qos[, cb]), no table form")
      for k in pairs(topic) do log("subscribe " .. k) end
      cb = qos
    else
      assert(type(topic) == "string" and type(qos) == "number", "subscribe(topic, qos[, cb])")
      log("subscribe " .. topic)
    end
    if cb then later(function() cb(self) end) end
    return true
  end
  function c:publish(topic, payload, qos, retain)
    assert(type(topic) == "string" and type(payload) == "string" and type(qos) == "number" and type(retain) == "number", "publish(topic, payload, qos, retain)")
    log("publish " .. topic .. " " .. hex(payload))
    return true
  end
  CLIENT = c
  return c
end

wifi = { STATION = 1, sta = {} }
if V == "esp8266" then
  function wifi.setmode(m) assert(m == wifi.STATION); log("wifi.setmode STATION") end
  function wifi.sta.config(cfg)
    assert(type(cfg) == "table" and type(cfg.ssid) == "string" and type(cfg.pwd) == "string", "wifi.sta.config(station_config)")
    log("wifi.sta.config ssid=" .. cfg.ssid .. " auto=" .. tostring(cfg.auto) .. " save=" .. tostring(cfg.save))
  end
else
  function wifi.mode(m) assert(m == wifi.STATION); log("wifi.mode STATION") end
  function wifi.sta.config(cfg, save)
    assert(type(cfg) == "table" and type(cfg.ssid) == "string" and type(cfg.pwd) == "string" and type(save) == "boolean", "ESP32: wifi.sta.config(station_config, save)")
    log("wifi.sta.config ssid=" .. cfg.ssid .. " save=" .. tostring(save))
  end
  function wifi.start() STARTED = true; log("wifi.start") end
  function wifi.sta.connect() assert(STARTED, "ESP32: wifi.start() before wifi.sta.connect()"); log("wifi.sta.connect") end
  function wifi.sta.on(ev, fn) assert(type(ev) == "string" and type(fn) == "function"); log("wifi.sta.on " .. ev) end
end

uart = { PARITY_NONE = 0, STOPBITS_1 = 1 }
function uart.setup(id, baud, bits, parity, stop, echo)
  assert(id == 0 and baud == 115200 and bits == 8 and parity == uart.PARITY_NONE and stop == uart.STOPBITS_1 and echo == 0, "uart.setup")
  log("uart.setup")
end
function uart.on(ev, n, fn, run) assert(ev == "data" and n == 0 and type(fn) == "function" and run == 0, "uart.on('data', 0, cb, 0)"); UART_CB = fn end
function uart.write(id, data) assert(id == 0 and type(data) == "string"); log("uart " .. hex(data)) end

T = {}
function T.step(ms) US = US + ms * 1000; flush(); if TIMER then TIMER(TIMER_OBJ) end; flush(); return "" end
function T.accept() local p = CONNECTING; CONNECTING = nil; p.ok(p.c); flush(); return "" end
function T.message(topic, h) CLIENT.on_.message(CLIENT, topic, unhex(h)); return "" end
function T.uart(h) UART_CB(unhex(h)); return "" end
function T.log() local s = table.concat(LOG, " | "); LOG = {}; return s end
function T.pixels() return LAST end
function T.writes() return tostring(WRITES) end
function T.us() return string.format("%.0f", US) end
`;
}

const hex = (b: Uint8Array | Uint8Array[]) => Buffer.concat(Array.isArray(b) ? b : [b]).toString('hex');

interface Story {
  snapshot: Uint8Array[];
  delta: Uint8Array;
}

function story(): Story {
  const snapshot = encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'node-1' },
      { type: MSG.GROUP, group: 0, r: 255, g: 40, b: 0, flags: 0 },
      { type: MSG.GROUP, group: 1, r: 0, g: 80, b: 255, flags: 0 },
      ...Array.from({ length: 12 }, (_, i): Message => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: i % 2, state: POD_STATE.RUNNING })),
    ],
    { seq: 1, snapshot: 1 },
  );
  const delta = encodeFrame({
    flags: 0,
    seq: 1 + snapshot.length,
    messages: [
      { type: MSG.POD_STATE, pod: 3, state: POD_STATE.NOT_READY },
      { type: MSG.POD_ADD, pod: 40, lane: 0, group: 1, state: POD_STATE.PENDING },
    ],
  });
  return { snapshot, delta };
}

/** The virtual board's pixels in GRB order at the times the device renders. */
function expected(board: BoardProfile, s: Story): string[] {
  let now = 0;
  const v = new VirtualBoard({
    boardId: 'v',
    ledCount: board.ledCount,
    settings: { brightness: board.brightness ?? 96, currentCap: board.currentCap, fps: board.fps },
    clock: () => now,
  });
  const grb = () => {
    v.render();
    const out: number[] = [];
    for (let i = 0; i < board.ledCount; i++) out.push(v.pixels[i * 3 + 1], v.pixels[i * 3], v.pixels[i * 3 + 2]);
    return Buffer.from(out).toString('hex');
  };
  now = 20;
  for (const f of s.snapshot) v.receive(f);
  now = 120;
  const a = grb();
  v.receive(s.delta);
  now = 1120;
  const b = grb();
  now = 1170;
  return [a, b, grb()];
}

const programs = new Map<BoardProfile, LuaProgram>();
function program(board: BoardProfile, s: Story): LuaProgram {
  if (!programs.has(board)) programs.set(board, makeProgram(board, s));
  return programs.get(board)!;
}

function makeProgram(board: BoardProfile, s: Story): LuaProgram {
  const variant: Variant = board.mcu === 'esp32' ? 'esp32' : 'esp8266';
  const code = buildNodemcu(board, flashConfig(undefined, { PODLIGHTS_WIFI_SSID: 'lab', PODLIGHTS_WIFI_PASSWORD: 'secret-pw' }));
  const base = `podlights/${board.name}/`;
  const serial = board.transport === 'serial';
  const calls = serial
    ? ['T.log()', 'T.step(20)', `T.uart(${luaString(hex(s.snapshot.map(streamFrame)))})`, 'T.step(100)', 'T.pixels()', `T.uart(${luaString(hex(streamFrame(s.delta)))})`]
    : [
        'T.log()',
        'T.step(20)',
        'T.log()',
        'T.accept()',
        'T.log()',
        `T.message(${luaString(base + 'snapshot')}, ${luaString(hex(s.snapshot.map(streamFrame)))})`,
        'T.step(100)',
        'T.pixels()',
        `T.message(${luaString(base + 'frames')}, ${luaString(hex(s.delta))})`,
      ];
  calls.push('T.step(1000)', 'T.pixels()', 'T.step(50)', 'T.pixels()', 'T.us()', 'T.log()');
  return { bundle: `${standIns(variant, Number(board.pins.data))}\n${code}`, calls };
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
    t.match(boot, /^uart\.setup \| uart 0[0-9a-f]+00$/, 'boot: uart set up, HELLO written COBS-framed with its delimiter');
    t.equal(px1, want[0], 'snapshot from the serial line: virtual board pixels, GRB');
    t.equal(out[7], want[1], 'live frame after the counter wrapped');
    t.equal(out[9], want[2], 'still animating');
    return;
  }
  const [boot, , connecting, , connected, , , px1, , , px2, , px3, us] = out;
  if (esp32) t.equal(boot, 'wifi.mode STATION | wifi.sta.config ssid=lab save=false | wifi.sta.on disconnected | wifi.start | wifi.sta.connect', 'ESP32 WiFi: mode, config(cfg, save), start, connect');
  else t.equal(boot, 'wifi.setmode STATION | wifi.sta.config ssid=lab auto=true save=false', 'ESP8266 WiFi: setmode, config with auto-connect, not saved to flash');
  t.match(connecting, new RegExp(`^client ${board.name} keepalive=30 clean=1${esp32 ? '' : ' max=4096'} \\| connect localhost:1883$`), 'first timer tick: one client, connect');
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
