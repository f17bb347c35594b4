// The command line as a user meets it: help, errors as one clear line with exit code 2, the
// board list, and `podlights bridge` starting on its embedded defaults and stopping cleanly.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['bin/podlights.js', ...args], { encoding: 'utf8', input, timeout: 30_000 });

t.test('--help lists the commands', async (t) => {
  const r = cli(['--help']);
  t.equal(r.status, 0);
  for (const c of ['bridge', 'sim', 'boards', 'decode']) t.match(r.stdout, new RegExp(`\\n  ${c} `));
});

t.test('unknown commands and bad flags: one clear line, exit 2', async (t) => {
  const unknown = cli(['frobnicate']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /unknown command 'frobnicate'/);
  const flag = cli(['bridge', '--frobnicate']);
  t.equal(flag.status, 2);
  t.equal(flag.stderr.trim().split('\n').length, 1, flag.stderr);
  t.match(flag.stderr, /Unknown option '--frobnicate'/);
  t.notMatch(flag.stderr, /\n\s+at /, 'no stack trace');
});

t.test('a bad config is refused with the setting named, exit 2', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'podlights.yaml');
  writeFileSync(file, 'mqtt:\n  url: 42\nboards:\n  - id: desk-1\n    layout: spiral\n');
  const r = cli(['bridge', '--config', file]);
  t.equal(r.status, 2);
  t.match(r.stderr, /mqtt\.url: must be string/);
  t.match(r.stderr, /boards\.0\.layout: must be one of compact, grouped, stable/);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

t.test('boards lists every profile', async (t) => {
  const r = cli(['boards']);
  t.equal(r.status, 0);
  for (const b of ['esp32-ws2812', 'espruino-pico-apa102-usb', 'esp8266-nodemcu-ws2812', 'esp32-nodemcu-ws2812', 'rpi-blinkt', 'virtual-60']) t.match(r.stdout, b);
});

t.test('decode prints a frame as JSON', async (t) => {
  const r = cli(['decode', '504c0100000731030003023b93']);
  t.equal(r.status, 0);
  t.same(JSON.parse(r.stdout).messages, [{ type: 'POD_STATE', pod: 3, state: 'running' }]);
  const bad = cli(['decode'], '504c010000\n');
  t.equal(bad.status, 1);
  t.match(bad.stdout, /"code":"truncated"/);
});

t.test('bridge starts on its embedded defaults and stops cleanly on SIGTERM', async (t) => {
  const child = spawn(process.execPath, ['bin/podlights.js', 'bridge', '--broker-port', '0', '--http-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const up = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 20_000);
    child.stderr.on('data', () => {
      if (/operations on http/.test(err)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  t.ok(up, 'started');
  t.match(err, /embedded simulator/);
  t.match(err, /embedded MQTT broker/);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  t.equal(code, 0, 'exit 0 after SIGTERM');
});
