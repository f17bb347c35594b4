// Every way flashing can go wrong says so in one line and exits 2: unknown profile or flag (flash,
// provision, boards, build:firmware), port missing, busy, permission denied (with the group to
// join), no answer, and a board whose interpreter does not fit the profile.
import t from 'tap';
import type { Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { luaCliMissing } from '../helpers/lua.ts';
import { espruinoOnPty, nodemcuOnPty } from './boards-on-pty.ts';
import { podlights, ptyPair, ROOT, socatMissing } from './tools.ts';
import type { Run } from './tools.ts';

const oneLine = (t: Test, r: Run, pattern: RegExp, what: string) => {
  t.equal(r.code, 2, `${what}: exit 2 (${r.stderr.trim().slice(0, 300)})`);
  t.match(r.stderr, pattern, what);
  t.equal(r.stderr.split('\n').filter(Boolean).length, 1, `${what}: one line`);
};

t.test('unknown profiles and flags', async (t) => {
  const known = /\(known: esp32-nodemcu-ws2812, esp32-ws2812, esp8266-nodemcu-ws2812, espruino-pico-apa102-usb, rpi-blinkt, virtual-60\)/;
  oneLine(t, await podlights(['flash', 'esp33-ws2812', '--port', '/dev/null']), new RegExp(`^podlights flash: unknown board profile 'esp33-ws2812' ${known.source}\\n$`), 'flash: unknown profile');
  oneLine(t, await podlights(['flash', 'rpi-blinkt', '--port', '/dev/null']), /^podlights flash: board profile 'rpi-blinkt' is driven by the bridge itself: there is nothing to flash\n$/, 'flash: a profile without firmware');
  oneLine(t, await podlights(['flash', 'esp32-ws2812', '--prot', '/dev/ttyUSB0']), /^podlights flash: unknown flag '--prot' \(podlights flash --help\)\n$/, 'flash: unknown flag');
  oneLine(t, await podlights(['flash', 'esp32-ws2812']), /^podlights flash: --port is required/, 'flash: no port');
  oneLine(t, await podlights(['flash', 'esp32-ws2812', '--port', '/dev/null', '--mqtt-port', 'x']), /^podlights flash: --mqtt-port: 'x' is not a port number \(1-65535\)\n$/, 'flash: bad setting');
  oneLine(t, await podlights(['provision', '--port', '/dev/null', '--wifi']), /^podlights provision: unknown flag '--wifi' \(podlights provision --help\)\n$/, 'provision: unknown flag');
  oneLine(t, await podlights(['boards', '--detcet']), /^podlights boards: unknown flag '--detcet' \(podlights boards --help\)\n$/, 'boards: unknown flag');
  const build = (args: string[]): Run => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), join(ROOT, 'firmware', 'build.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  oneLine(t, build(['--board', 'esp33-ws2812']), new RegExp(`^build:firmware: unknown board profile 'esp33-ws2812' ${known.source}\\n$`), 'build:firmware: unknown profile');
  oneLine(t, build(['--boards', 'esp32-ws2812']), /^build:firmware: unknown flag '--boards' \(usage: npm run build:firmware \[-- --board <profile>\]\)\n$/, 'build:firmware: unknown flag');
});

t.test('port missing', async (t) => {
  oneLine(t, await podlights(['flash', 'esp32-ws2812', '--port', '/dev/ttyUSB-none']), /^podlights flash: port \/dev\/ttyUSB-none not found: is the board plugged in\? \(podlights boards --detect lists the serial ports\)\n$/, 'flash');
  oneLine(t, await podlights(['provision', '--port', '/dev/ttyUSB-none', '--board-id', 'a']), /^podlights provision: port \/dev\/ttyUSB-none not found/, 'provision');
});

const noSocat = socatMissing();
if (noSocat) console.log(`# skipping the serial error cases: ${noSocat}`);

t.test('port busy, permission denied, no answer', { skip: noSocat ? `skipped: ${noSocat}` : false }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-errors-'));
  const pty = await ptyPair(dir, 'quiet');
  t.teardown(async () => {
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Nothing answers on the far end.
  oneLine(t, await podlights(['flash', 'esp32-ws2812', '--port', pty.host]), /^podlights flash: no answer from the board on \S+: it should run Espruino at 115200 baud; install it first \(README: "Putting the interpreter on a board"\), or press its reset button and try again\n$/, 'no answer');

  // Another program holds the port (serialport locks it, as the bridge does).
  const holder = new SerialPort({ path: pty.host, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
  const busy = await podlights(['flash', 'esp32-ws2812', '--port', pty.host]);
  await new Promise<void>((resolve) => holder.close(() => resolve()));
  oneLine(t, busy, new RegExp(`^podlights flash: port \\S+ is busy: .*node \\(pid ${process.pid}\\).* ha(s|ve) it open \\(a serial monitor, screen, an IDE or podlights bridge --serial\\); close it and try again\\n$`), 'busy, naming who holds it');

  // A user outside the device's group.
  const setpriv = spawnSync('setpriv', ['--version']);
  const dialout = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith('dialout:'));
  const readable = () => spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', 'test', '-r', join(ROOT, 'bin', 'podlights.js')]).status === 0;
  const why = process.getuid?.() !== 0 ? 'needs root to switch users' : setpriv.error ? 'setpriv missing (util-linux)' : !dialout ? 'no dialout group' : !readable() ? 'the checkout is not readable by nobody' : undefined;
  t.test('permission denied', { skip: why ? `skipped: ${why}` : false }, async (t) => {
    const dev = realpathSync(pty.host);
    chownSync(dev, 0, Number(dialout!.split(':')[2]));
    chmodSync(dev, 0o660);
    // nobody must reach the pty's link, and needs a home and a temp folder of its own (tsx caches there).
    chmodSync(dir, 0o755);
    const home = mkdtempSync(join(tmpdir(), 'podlights-nobody-'));
    chownSync(home, 65534, 65534);
    t.teardown(() => rmSync(home, { recursive: true, force: true }));
    // `env -i`: a plain environment (tap adds NODE_OPTIONS to children, which would have nobody
    // write tap's process info).
    const plain = ['env', '-i', `PATH=${process.env.PATH}`, `HOME=${home}`, `TMPDIR=${home}`];
    const cli = [process.execPath, join(ROOT, 'bin', 'podlights.js'), 'flash', 'esp32-ws2812', '--port', pty.host];
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', ...plain, ...cli], { cwd: ROOT, encoding: 'utf8' });
    oneLine(t, { code: r.status, stdout: r.stdout, stderr: r.stderr }, /^podlights flash: permission denied on \S+: add your user to the 'dialout' group \(sudo usermod -aG dialout \$USER\), then log out and back in\n$/, 'permission denied, with the group');
  });
});

t.test('the board runs another interpreter than the profile needs', { skip: noSocat ? `skipped: ${noSocat}` : false }, async (t) => {
  const { host } = await espruinoOnPty(t, { VERSION: '2v25', BOARD: 'ESP32', CONSOLE: 'USB' });
  oneLine(t, await podlights(['flash', 'esp8266-nodemcu-ws2812', '--port', host]), /^podlights flash: the board on \S+ runs Espruino 2v25 \(ESP32\), but profile esp8266-nodemcu-ws2812 needs NodeMCU with Lua 5\.1: install it first \(README: "Putting the interpreter on a board"\), or pick an Espruino profile \(podlights boards\)\n$/, 'Espruino board, NodeMCU profile');
  oneLine(t, await podlights(['flash', 'espruino-pico-apa102-usb', '--port', host]), /^podlights flash: the board on \S+ runs Espruino 2v25 \(ESP32\), but profile espruino-pico-apa102-usb is for an Espruino Pico: pick the profile for its board \(podlights boards\)\n$/, 'ESP32 board, Pico profile');

  const lua = luaCliMissing('lua5.1');
  t.test('NodeMCU board, Espruino profile', { skip: lua ? `skipped: ${lua}` : false }, async (t) => {
    const nodemcu = await nodemcuOnPty(t, 2);
    oneLine(t, await podlights(['flash', 'esp32-ws2812', '--port', nodemcu.host]), /^podlights flash: the board on \S+ runs NodeMCU \(Lua 5\.1\), but profile esp32-ws2812 needs Espruino: install it first \(README: "Putting the interpreter on a board"\), or pick a NodeMCU profile \(podlights boards\)\n$/, 'NodeMCU board, Espruino profile');
    oneLine(t, await podlights(['flash', 'esp32-nodemcu-ws2812', '--port', nodemcu.host]), /^podlights flash: the board on \S+ runs NodeMCU \(Lua 5\.1\), but profile esp32-nodemcu-ws2812 needs NodeMCU with Lua 5\.3: pick the profile for its chip \(podlights boards\)\n$/, 'Lua 5.1 board, Lua 5.3 profile');
  });
});
