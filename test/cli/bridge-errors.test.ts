// What a newcomer meets when something is wrong: `podlights bridge` refuses bad input with one
// clear line and exit 2 (a typo with a "did you mean", a file that is not a kubeconfig, a broker
// URL that is not MQTT), says what its config may be, logs readable lines on a terminal and JSON
// when piped, and gives no "drive it with kubectl" hint after it failed to start.
import t from 'tap';
import type { Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { createLogger } from '../../bridge/log.ts';
import { prettyLine } from '../../bridge/log-pretty.ts';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['bin/podlights.js', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });

function refusedWithOneLine(t: Test, r: ReturnType<typeof cli>, expected: RegExp | string): void {
  t.equal(r.status, 2, `exit 2 (stderr: ${r.stderr})`);
  t.equal(r.stderr.trimEnd().split('\n').length, 1, `one line: ${r.stderr}`);
  t.match(r.stderr, expected);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

t.test('config typos: exit 2, the path and a "did you mean"', async (t) => {
  const dir = t.testdir({ 'podlights.yaml': 'boardDefaults:\n  brightnes: 96\nboards:\n  - id: desk-1\n    lanse: cluster\n' });
  const r = cli(['bridge', '--config', join(dir, 'podlights.yaml'), '--broker-port', '0', '--http-port', '0']);
  refusedWithOneLine(t, r, /boardDefaults\.brightnes: unknown setting \(did you mean 'brightness'\?\); boards\.0\.lanse: unknown setting \(did you mean 'lanes'\?\)/);
});

t.test('settings that would start nothing are refused before start (exit 2, no hang)', async (t) => {
  refusedWithOneLine(t, cli(['bridge', '--mqtt', 'http://broker.lan:1883']), /mqtt\.url: must be a broker URL starting with mqtt:\/\//);
  const dir = t.testdir({
    'selector.yaml': 'boards:\n  - id: desk-1\n    ledCount: 60\n    selector: "app in (web"\n',
    'topic.yaml': 'mqtt:\n  baseTopic: /lead\n',
  });
  refusedWithOneLine(t, cli(['bridge', '--config', join(dir, 'selector.yaml')]), /boards\.0\.selector: unable to parse requirement/);
  refusedWithOneLine(t, cli(['bridge', '--config', join(dir, 'topic.yaml')]), /mqtt\.baseTopic: must be a topic prefix/);
});

t.test('--kubeconfig with a file that is not a kubeconfig says so', async (t) => {
  const dir = t.testdir({
    'notes.txt': 'remember to buy milk\n',
    'values.yaml': 'replicaCount: 3\nimage: nginx\n',
    'no-current.yaml': 'apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: "http://127.0.0.1:1"}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: ctx-a\n  context: {cluster: a, user: u}\n',
  });
  for (const f of ['notes.txt', 'values.yaml']) {
    const file = join(dir, f);
    const r = cli(['bridge', '--kubeconfig', file]);
    refusedWithOneLine(t, r, `podlights bridge: ${file} is not a kubeconfig: it defines no contexts`);
    t.notMatch(r.stderr, /undefined/);
  }
  t.throws(() => fromKubeconfig({ file: join(dir, 'no-current.yaml') }), /has no current-context: pass --context \(it has: ctx-a\)/);
  t.throws(() => fromKubeconfig({ file: join(dir, 'no-current.yaml'), contexts: ['ctx-b'] }), /has no context 'ctx-b' \(it has: ctx-a\)/);
  t.equal(fromKubeconfig({ file: join(dir, 'no-current.yaml'), contexts: ['ctx-a'] })[0].name, 'ctx-a');
});

t.test('--help says the config may be YAML or JSON', async (t) => {
  const r = cli(['bridge', '--help']);
  t.equal(r.status, 0);
  t.match(r.stdout, /--config FILE\s+a YAML or JSON config/);
});

t.test('decode with a bad flag: one line, exit 2', async (t) => {
  refusedWithOneLine(t, cli(['decode', '--bogus']), /podlights decode: Unknown option '--bogus'/);
});

t.test('logs: readable lines on a terminal, JSON when piped', async (t) => {
  const collect = (isTTY: boolean) => {
    let text = '';
    const sink = Object.assign(new Writable({ write: (c, _e, cb) => ((text += c), cb()) }), { isTTY });
    return { sink, text: () => text };
  };
  const tty = collect(true);
  const prev = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  createLogger({ destination: tty.sink }).line('mqtt broker: refused client desk-9 (user desk-9)');
  if (prev === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = prev;
  t.match(tty.text(), /^\d\d:\d\d:\d\d\.\d{3} WARN  mqtt broker: refused client desk-9 \(user desk-9\)\n$/);
  const piped = collect(false);
  createLogger({ destination: piped.sink }).line('bridge: watching eu');
  // pino's default destination is asynchronous only for fd 2; a given stream is written at once.
  t.match(JSON.parse(piped.text()), { level: 30, component: 'bridge', msg: 'watching eu', name: 'podlights' });
  const forced = collect(false);
  createLogger({ destination: forced.sink, format: 'pretty' }).line('bridge: watching eu');
  t.match(forced.text(), / INFO  bridge: watching eu\n$/, 'pretty on request');
  t.equal(prettyLine('{"level":50,"time":0,"msg":"a\\nb","code":"E X"}'), `${new Date(0).toTimeString().slice(0, 8)}.000 ERROR a b code="E X"\n`, 'one line, extra fields kept');
});

t.test('the bridge run on a real terminal logs readable lines', { skip: spawnSync('script', ['--version']).error ? 'skipped: script(1) not installed' : false }, async (t) => {
  // script(1) gives the bridge a pseudo-terminal; ending script hangs it up, which ends the bridge.
  const out = await runUntil(['script', '-qefc', `${process.execPath} bin/podlights.js bridge --broker-port 0 --http-port 0`, '/dev/null'], /operations on http/, { NO_COLOR: '1' });
  t.match(out, /^\d\d:\d\d:\d\d\.\d{3} INFO  bridge: embedded MQTT broker on 127\.0\.0\.1:\d+\r?$/m);
  t.match(out, /^\d\d:\d\d:\d\d\.\d{3} INFO  bridge: operations on http/m);
  t.notMatch(out, /"level":/, 'no JSON on a terminal');
});

t.test('no kubectl hint after "cannot start"', async (t) => {
  const held = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => held.once('listening', r));
  t.teardown(() => held.close());
  const port = (held.address() as AddressInfo).port;
  const err = await runUntil([process.execPath, 'bin/podlights.js', 'bridge', '--broker-port', String(port), '--http-port', '0'], /cannot start/);
  t.match(err, /cannot start: the MQTT broker's port \d+ is in use.*--broker-port P/);
  t.notMatch(err, /kubectl --kubeconfig/, 'no hint to use a bridge that is not running');
  t.notMatch(err, /watching the embedded simulator/);
});

/** Runs a command until its output matches (or it exits), then ends it; resolves to its output. */
function runUntil(argv: string[], until: RegExp, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const check = (d: Buffer) => {
      out += d;
      if (until.test(out)) child.kill('SIGKILL');
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}
