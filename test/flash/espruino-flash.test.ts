// `podlights flash esp32-ws2812 --port <pty>` against an Espruino REPL stand-in (espruino-console.ts)
// on the far end of a socat pseudo-terminal pair: EspruinoTools (used as a library) queries
// process.env, resets the board and uploads the code; save() keeps it and starts it, and the CLI
// waits for its start line. The code the board received then runs on the device stand-ins and
// renders the virtual board's pixels with the WiFi and broker of the Storage settings file;
// `podlights provision` changes the WiFi without touching the code. The Pico profile (serial) is
// verified by its HELLO.
import t from 'tap';
import vm from 'node:vm';
import { getBoard } from '../../boards/index.ts';
import { buildEspruinoBoard } from '../../firmware/build.ts';
import { espruinoDevice, playSnapshot } from '../firmware/espruino-device.ts';
import { espruinoOnPty } from './boards-on-pty.ts';
import { podlights, socatMissing } from './tools.ts';

const missing = socatMissing();
if (missing) console.log(`# skipping the Espruino flash tests: ${missing}`);

t.test('flash and provision an ESP32 running Espruino', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  // CONSOLE USB: EspruinoTools sends unthrottled, as to an ESP32-S3 on native USB (on a UART it
  // sends 19-byte chunks 50 ms apart, about 35 s for the firmware).
  const { host, board } = await espruinoOnPty(t, { VERSION: '2v25', BOARD: 'ESP32', CONSOLE: 'USB' });
  const r = await podlights(['flash', 'esp32-ws2812', '--port', host, '--board-id', 'desk-1', '--wifi-ssid', 'lab-net', '--wifi-password', 'pass-word-1', '--mqtt-host', 'broker.lan']);
  t.equal(r.code, 0, `flash exits 0 (stderr: ${r.stderr})`);
  t.match(r.stdout, /^flashed esp32-ws2812 on \S+ in \d+\.\d s: podlights-fw\/0\.1\.0 desk-1\n$/, 'verified by the start line after save()');
  t.match(r.stderr, /Espruino 2v25 on ESP32/, 'the board was asked what it runs');
  t.match(r.stderr, /upload podlights +\[#{30}\] 100%/, 'progress bar');
  t.match(r.stderr, /upload podlights: done in \d+\.\d s/, 'time taken');
  t.same(JSON.parse(board.storage.get('podlights.json')!), { boardId: 'desk-1', ssid: 'lab-net', password: 'pass-word-1', mqttHost: 'broker.lan' }, 'settings in the Storage file');

  const build = await buildEspruinoBoard(getBoard('esp32-ws2812'));
  const saved = board.saved!;
  t.ok(saved.some((line) => line.includes(build.trim())), 'save() kept the build, as built');
  t.notMatch(build, /lab-net|broker\.lan|desk-1|pass-word/, 'the build carries no settings');

  // What the board received, booted on the device stand-ins with the board's Storage.
  const boot = () => {
    const dev = espruinoDevice(new Map(board.storage), { print: () => undefined });
    for (const line of saved) vm.runInContext(line, dev.ctx);
    t.equal(dev.inits.length, 1, 'one init handler');
    dev.inits[0]();
    return dev;
  };
  const dev = boot();
  t.same(dev.wifi, [['lab-net', 'pass-word-1']], 'joins the WiFi of the settings file');
  t.equal(dev.mqttCreated[0][0], 'broker.lan', 'and its broker');
  t.equal(dev.published[0]?.[0], 'podlights/desk-1/hello', 'says HELLO as desk-1');
  const sent = playSnapshot(dev, 'podlights/desk-1/snapshot');
  t.same(dev.writes[dev.writes.length - 1], sent.grb, 'renders the same pixels as the virtual board');

  const p = await podlights(['provision', '--port', host, '--wifi-ssid', 'other-net', '--wifi-password', 'other-pass']);
  t.equal(p.code, 0, `provision exits 0 (stderr: ${p.stderr})`);
  t.match(p.stdout, /^provisioned \S+ in \d+\.\d s: podlights-fw\/0\.1\.0 desk-1\n$/, 'load() restarted the saved code with the new settings');
  t.same(board.saved, saved, 'the code did not change');
  t.same(JSON.parse(board.storage.get('podlights.json')!), { boardId: 'desk-1', ssid: 'other-net', password: 'other-pass', mqttHost: 'broker.lan' }, 'the new WiFi replaced the old; board id and broker stayed');
  t.same(boot().wifi, [['other-net', 'other-pass']], 'the board joins the new WiFi');
});

t.test('flash an Espruino Pico (serial): verified by its HELLO', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const { host, board } = await espruinoOnPty(t, { VERSION: '2v25', BOARD: 'PICO_R1_3', CONSOLE: 'USB' });
  const r = await podlights(['flash', 'espruino-pico-apa102-usb', '--port', host, '--board-id', 'shelf']);
  t.equal(r.code, 0, `flash exits 0 (stderr: ${r.stderr})`);
  t.match(r.stdout, /: HELLO from shelf \(podlights-fw\/0\.1\.0, 30 LEDs\)\n$/, 'the board said HELLO on the USB line after save()');
  t.same(JSON.parse(board.storage.get('podlights.json')!), { boardId: 'shelf' });

  // Now the console is the LED link: flashing again says so instead of timing out.
  const again = await podlights(['flash', 'espruino-pico-apa102-usb', '--port', host]);
  t.equal(again.code, 2, again.stderr);
  t.match(again.stderr, /^podlights flash: the board on \S+ already runs podlights( \(board shelf, profile espruino-pico-apa102-usb\))? and its console is the LED link: boot it without the saved code .*\n$/);
});
