// `podlights boards --detect`, the serial part: ports with USB ids, the board they look like, what
// answers the probe on them, and the profiles that fit. The port list is handed in (ptys are not
// USB devices); the boards behind them are the console stand-ins of the flash tests.
import t from 'tap';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectSerialBoards, printSerialBoards } from '../../bridge/flash/detect.ts';
import { luaCliMissing } from '../helpers/lua.ts';
import { espruinoOnPty, nodemcuOnPty } from './boards-on-pty.ts';
import { podlights, socatMissing } from './tools.ts';

t.test('USB ids alone: a guess and the profiles it allows', async (t) => {
  const found = await detectSerialBoards({
    probe: false,
    list: async () => [
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyACM0', vendorId: '0483', productId: '5740', manufacturer: 'STMicroelectronics' },
      { path: '/dev/ttyUSB0', vendorId: '10C4', productId: 'EA60', manufacturer: 'Silicon Labs' },
      { path: '/dev/ttyUSB1', vendorId: '1a86', productId: '7523' },
      { path: '/dev/ttyACM1', vendorId: '303a', productId: '1001' },
      { path: '/dev/ttyUSB2', vendorId: '2341', productId: '0043' },
    ],
  });
  t.same(
    found.map((f) => [f.path, f.usb, f.guess, f.profiles]),
    [
      ['/dev/ttyACM0', '0483:5740', 'Espruino Pico (STM32 USB)', ['espruino-pico-apa102-usb']],
      ['/dev/ttyUSB0', '10c4:ea60', 'ESP32 / ESP8266 board (CP210x USB-serial)', ['esp32-nodemcu-ws2812', 'esp32-ws2812', 'esp8266-nodemcu-ws2812']],
      ['/dev/ttyUSB1', '1a86:7523', 'ESP8266 NodeMCU / ESP32 board (CH340 USB-serial)', ['esp32-nodemcu-ws2812', 'esp32-ws2812', 'esp8266-nodemcu-ws2812']],
      ['/dev/ttyACM1', '303a:1001', 'ESP32-S3/C3 (built-in USB serial)', ['esp32-nodemcu-ws2812', 'esp32-ws2812']],
      ['/dev/ttyUSB2', '2341:0043', 'unknown USB serial device', []],
    ],
    'built-in ttyS ports are left out; the USB chip narrows the profiles',
  );
  const lines: string[] = [];
  await printSerialBoards((l) => lines.push(l), { probe: false, list: async () => [{ path: '/dev/ttyACM0', vendorId: '0483', productId: '5740' }] });
  t.match(lines[0], /^serial port +usb id +looks like +runs +profiles that fit/);
  t.match(lines[1], /^\/dev\/ttyACM0 +0483:5740 +Espruino Pico \(STM32 USB\) +- +espruino-pico-apa102-usb$/);
  const none: string[] = [];
  await printSerialBoards((l) => none.push(l), { list: async () => [] });
  t.match(none[0], /^no USB serial ports found/);
});

const missing = socatMissing() ?? luaCliMissing('lua5.1');
if (missing) console.log(`# skipping the probing detect test: ${missing}`);

t.test('what answers decides the profile', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const esp = await espruinoOnPty(t, { VERSION: '2v25', BOARD: 'ESP32', CONSOLE: 'Serial1' });
  const lua = await nodemcuOnPty(t, 2);
  const gone = join(tmpdir(), 'podlights-no-such-port');
  const found = await detectSerialBoards({
    list: async () => [
      { path: esp.host, vendorId: '10c4', productId: 'ea60' },
      { path: lua.host, vendorId: '1a86', productId: '7523' },
      { path: gone, vendorId: '10c4', productId: 'ea60' },
    ],
  });
  t.same(
    found.map((f) => [f.runs, f.profiles]),
    [
      ['Espruino 2v25 (ESP32)', ['esp32-ws2812']],
      ['NodeMCU (Lua 5.1)', ['esp8266-nodemcu-ws2812']],
      [`port ${gone} not found`, ['esp32-nodemcu-ws2812', 'esp32-ws2812', 'esp8266-nodemcu-ws2812']],
    ],
  );
});

t.test('podlights boards --detect runs on a machine without boards', async (t) => {
  const r = await podlights(['boards', '--detect', '--json']);
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.ok(Array.isArray(out.serial) && Array.isArray(out.lights), 'one JSON document: serial boards and lights');
});
