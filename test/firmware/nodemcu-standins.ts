// Lua stand-ins for the NodeMCU modules the firmware uses (ws2812/pixbuf, tmr, node, mqtt, wifi,
// uart, file, print), written from the NodeMCU documentation of each branch: ESP8266 3.0 and
// dev-esp32. They raise on a call the real module would reject or misread, log what the firmware
// did, and expose T.* to drive time, the broker and the UART. Used by nodemcu-device.test.ts and
// by the flash tests (where the files come from a folder nodemcu-tool wrote).
import { luaString } from '../helpers/lua.ts';

export type Variant = 'esp8266' | 'esp32';

/** 1 s before tmr.now() / node.uptime() wrap at 2^31 µs: the run crosses the wrap. */
export const START_US = 2 ** 31 - 1_000_000 + 123;

export function standIns(variant: Variant, pin: number): string {
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
  function c:lwt(topic, msg, qos, retain)
    assert(type(topic) == "string" and type(msg) == "string", "lwt(topic, message[, qos[, retain]])")
    assert(not CONNECTING, "lwt() before connect()")
    log("lwt " .. topic .. " " .. msg .. " qos=" .. tostring(qos) .. " retain=" .. tostring(retain))
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

-- file (SPIFFS): FILES maps names to contents (luaFiles below), or FILES_DIR names a folder
-- holding them (the flash tests, where nodemcu-tool wrote them). dofile runs a file from there;
-- node.compile output (.lc) is Lua bytecode, which loadstring/load take as well.
FILES = FILES or {}
local function readfile(name)
  if FILES_DIR then
    local f = io.open(FILES_DIR .. "/" .. name, "rb")
    if not f then return nil end
    local s = f:read("*a"); f:close(); return s
  end
  return FILES[name]
end
file = file or {}
function file.exists(name) assert(type(name) == "string", "file.exists(filename)"); return readfile(name) ~= nil end
function dofile(name)
  local src = readfile(name)
  assert(src, "dofile: cannot open " .. tostring(name))
  local chunk, err = (loadstring or load)(src, "@" .. name)
  assert(chunk, err)
  return chunk()
end
-- print goes to the UART console on a board: logged here so it is seen in order.
function print(...) local p = { ... }; for i = 1, select("#", ...) do p[i] = tostring(p[i]) end; log("print " .. table.concat(p, "\t")) end

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

/** Lua that fills the `file` stand-in with text files (printable ASCII and newlines). */
export function luaFiles(files: Record<string, string>): string {
  const lines = Object.entries(files).map(([name, text]) => {
    const parts = text.split('\n').map((l) => luaString(l));
    return `FILES[${luaString(name)}] = table.concat({${parts.join(', ')}}, "\\n")`;
  });
  return `FILES = FILES or {}\n${lines.join('\n')}`;
}
