// How `podlights demo` starts when things are in the way (issue 11, items 1, 2 and 5): a taken
// port ends the process at once with what to do; a second demo says loudly that the default
// ports were busy and keeps its own kubeconfig, each removed on exit; a wrong --serial path is
// a one-line error before anything starts.
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';

const BIN = new URL('../../bin/podlights.js', import.meta.url).pathname;
// Generous: tsx compiles the sources on a loaded machine. A hang is what this catches.
const PATIENCE_MS = 60_000;

interface Running {
  child: ChildProcessWithoutNullStreams;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

function demo(t: Test, dir: string, args: string[]): Running {
  const child = spawn(process.execPath, [BIN, 'demo', ...args], {
    env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir, KUBECONFIG: join(dir, 'missing') },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, out, exited };
}

async function until(what: string, r: Running, ok: () => boolean): Promise<void> {
  const end = Date.now() + PATIENCE_MS;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}:\n${r.out.stdout}\n${r.out.stderr}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function exitCode(r: Running): Promise<number | null> {
  return Promise.race([r.exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`still running:\n${r.out.stdout}\n${r.out.stderr}`)), PATIENCE_MS).unref())]);
}

function hold(port: number): Promise<Server | undefined> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(undefined));
    s.listen(port, '127.0.0.1', () => res(s));
  });
}

t.test('a taken --broker-port: exits 1 at once, names the holder and the flag', async (t) => {
  const server = (await hold(0))!;
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const dir = t.testdir({});
  const r = demo(t, dir, ['--broker-port', String(port), '--port', '0']);
  t.equal(await exitCode(r), 1, 'exits 1 by itself');
  t.match(r.out.stderr, new RegExp(`cannot start: the MQTT broker's port ${port} is in use \\(by pid ${process.pid}: .*\\): choose another with --broker-port P`));
  t.equal(r.out.stderr.trim().split('\n').length, 1, 'one line');
  t.notOk(existsSync(join(dir, 'podlights-demo.kubeconfig')), 'no kubeconfig left behind');
});

t.test('a wrong --serial path: one line, exit 2, nothing started', async (t) => {
  const dir = t.testdir({});
  const r = demo(t, dir, ['--serial', join(dir, 'ttyUSB-none'), '--broker-port', '0', '--port', '0']);
  t.equal(await exitCode(r), 2);
  t.match(r.out.stderr, /^podlights demo: --serial .*ttyUSB-none: no such port \(.+\)\n$/);
  t.notMatch(r.out.stdout, /ready/);
});

t.test('a second demo: loud about the busy broker port, a kubeconfig of its own, both removed on exit', async (t) => {
  // 1883 is the default broker port: held here if free, and if someone else holds it, busy anyway.
  const held = await hold(1883);
  t.teardown(() => held?.close());
  const dir = t.testdir({});
  const first = demo(t, dir, ['--port', '0']);
  await until('the first demo did not start', first, () => first.out.stdout.includes('ready; Ctrl-C to stop'));
  const firstConfig = join(dir, 'podlights-demo.kubeconfig');
  t.match(first.out.stdout, `kubeconfig ${firstConfig}`);
  t.match(first.out.stderr, /WARNING: port 1883 is in use.*: the MQTT broker is on mqtt:\/\/127\.0\.0\.1:\d+ instead, boards set up for port 1883 will not find it/);

  const second = demo(t, dir, ['--port', '0', '--broker-port', '0']);
  await until('the second demo did not start', second, () => second.out.stdout.includes('ready; Ctrl-C to stop'));
  const secondConfig = join(dir, `podlights-demo-${second.child.pid}.kubeconfig`);
  t.match(second.out.stdout, `kubeconfig ${secondConfig}`, 'its own kubeconfig');
  t.match(second.out.stderr, `WARNING: another demo (pid ${first.child.pid}) is running with ${firstConfig}`);
  t.ok(existsSync(firstConfig) && existsSync(secondConfig), 'both kubeconfigs are there');

  // An explicit --kubeconfig that a live demo holds is refused rather than clobbered.
  const third = demo(t, dir, ['--kubeconfig', firstConfig, '--broker-port', '0', '--port', '0']);
  t.equal(await exitCode(third), 2);
  t.match(third.out.stderr, `is the kubeconfig of the demo running as pid ${first.child.pid}`);

  second.child.kill('SIGINT');
  t.equal(await exitCode(second), 0);
  t.notOk(existsSync(secondConfig), "the second's kubeconfig is removed");
  t.ok(existsSync(firstConfig), "the first's stays while it runs");
  first.child.kill('SIGTERM');
  t.equal(await exitCode(first), 0);
  t.notOk(existsSync(firstConfig), "the first's is removed too");
  t.notOk(existsSync(`${firstConfig}.pid`), 'and its pid file');
});
