// A NodeMCU board's serial console for the flash tests: real Lua 5.1 (lua5.1 + lua-bitop) reads
// lines from the serial line (socat links a pseudo-terminal to its stdin/stdout) and answers like
// the NodeMCU REPL: the line echoed, what it printed, errors as `stdin:1: ...`, then the prompt,
// so nodemcu-tool's "\r\n>" delimiter splits echo from answer. The modules nodemcu-tool and the
// firmware call are stood in from the NodeMCU documentation (ESP8266 3.0): file (open/write/
// flush/close/remove/exists, files in a folder), node (info, chipid, compile to .lc bytecode,
// restart: runs init.lua again, with the device stand-ins of test/firmware), uart.
import { standIns } from '../firmware/nodemcu-standins.ts';
import { luaString } from '../helpers/lua.ts';

export function nodemcuConsole(dir: string, pin: number): string {
  return `
bit = require("bit")
${standIns('esp8266', pin)}
FILES_DIR = ${luaString(dir)}
local out = io.stdout
local function w(s) out:write(s); out:flush() end
-- On the console, print writes to the UART.
function print(...)
  local p = { ... }
  for i = 1, select("#", ...) do p[i] = tostring(p[i]) end
  w(table.concat(p, "\\t") .. "\\r\\n")
end

-- file: the classic single-file API nodemcu-tool uses (file.open, then file.write/flush/close).
local current
local function path(name) assert(type(name) == "string" and #name > 0 and #name <= 31, "file name of 1..31 characters"); return FILES_DIR .. "/" .. name end
function file.open(name, mode)
  if current then current:close() end
  current = io.open(path(name), (mode or "r"):gsub("%+", "") .. "b")
  if not current then return nil end
  return { close = function() file.close() end }
end
function file.write(s) assert(current, "file.write: no file open"); current:write(s); return true end
function file.writeline(s) return file.write(s .. "\\n") end
function file.flush() if current then current:flush() end end
function file.close() if current then current:close(); current = nil end end
function file.remove(name) os.remove(path(name)) end
function file.list()
  local l = {}
  local p = io.popen("ls -1 " .. FILES_DIR)
  for n in p:lines() do local f = io.open(path(n), "rb"); l[n] = #f:read("*a"); f:close() end
  p:close()
  return l
end

-- node: what nodemcu-tool asks on connect (node.info per the 3.0 docs) and what flashing uses.
local INFO = {
  hw = { chip_id = 1234567, flash_id = 1458208, flash_size = 4096, flash_mode = 0, flash_speed = 40000000 },
  sw_version = { node_version_major = 3, node_version_minor = 0, node_version_revision = 0, git_branch = "release", git_commit_id = "64bbf006898109b936fcc09478cbae9d099885a8", git_release = "3.0-master_20200910", git_commit_dts = "202009090323" },
  build_config = { ssl = false, lfs_size = 0, modules = "bit,file,gpio,mqtt,net,node,pixbuf,tmr,uart,wifi,ws2812", number_type = "float" },
}
function node.info(group) return INFO[group] end
function node.chipid() return INFO.hw.chip_id end
function node.heap() return 40000 end
function node.compile(name)
  local f = io.open(path(name), "rb")
  if not f then error("cannot open " .. name) end
  local src = f:read("*a"); f:close()
  local chunk, err = loadstring(src, "@" .. name)
  if not chunk then error(err) end
  local o = io.open(path((name:gsub("%.lua$", "")) .. ".lc"), "wb")
  o:write(string.dump(chunk)); o:close()
end
local function boot()
  w("\\r\\nNodeMCU 3.0.0.0 built on nodemcu-build.com\\r\\n branch: release\\r\\n")
  if file.exists("init.lua") then
    local ok, err = pcall(dofile, "init.lua")
    if not ok then w(tostring(err) .. "\\r\\n") end
  end
end
function node.restart() RESTART = true end

-- The REPL: echo, run, answer, prompt.
boot()
w("> ")
while true do
  local line = io.read("*l")
  if line == nil then break end
  line = line:gsub("\\r$", "")
  w(line .. "\\r\\n")
  local chunk, err = loadstring(line, "stdin")
  if chunk then
    local ok, e = pcall(chunk)
    if not ok then w(tostring(e) .. "\\r\\n") end
  else
    w(err .. "\\r\\n")
  end
  if RESTART then RESTART = false; file.close(); boot() end
  w("> ")
end
`;
}
