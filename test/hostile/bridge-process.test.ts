// The real bridge process against what once took it down or left it hanging: the HELLO with
// maxFrame 100 (an unhandled rejection ended the process with code 1, and retained on a broker
// it became a crash loop), a broker port already taken (the start failed and then hung), and an
// API server that accepts connections and never answers (SIGTERM left the process alive).
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort } from '../transports/helpers/net.ts';
import { sleep, waitFor } from '../transports/helpers/wait.ts';

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(t: Test, args: string[]): Running {
  const child = spawn(process.execPath, ['bin/podlights.js', 'bridge', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PODLIGHTS_LOG_FORMAT: 'json' } });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => void child.kill('SIGKILL'));
  return { child, output: () => out, exited };
}

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-hostile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function listening(t: Test): Promise<{ server: Server; port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s)); // accepts, never answers
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { server, port: (server.address() as AddressInfo).port };
}

t.test('the maxFrame-100 HELLO from the audit: refused, the bridge keeps running', async (t) => {
  const dir = tempDir(t);
  const brokerPort = await freePort();
  const httpPort = await freePort();
  const config = join(dir, 'podlights.yaml');
  writeFileSync(config, `broker:\n  port: ${brokerPort}\n  boardPasswords:\n    desk-1: desk-1-secret\nhttp:\n  port: ${httpPort}\nflushMs: 20\n`);
  const bridge = run(t, ['--config', config]);
  await waitFor('the bridge is up', () => /operations on http/.test(bridge.output()), 60_000, 50);
  const board = mqtt.connect(`mqtt://127.0.0.1:${brokerPort}`, { clientId: 'desk-1', username: 'desk-1', password: 'desk-1-secret', reconnectPeriod: 0 });
  t.teardown(() => void board.end(true));
  board.on('error', () => {});
  await new Promise<void>((resolve) => board.once('connect', () => resolve()));
  const hex = '504c0101000001130101003c0064003f066465736b2d31017801794f66';
  board.publish('podlights/desk-1/hello', Buffer.from(hex, 'hex'), { qos: 1, retain: false });
  await waitFor('the refusal is logged', () => /ignored HELLO from desk-1 .*maxFrame 100/.test(bridge.output()), 30_000, 50);
  // Many flushes later it is still there, healthy, and has built no session for the bad HELLO.
  await sleep(1000);
  t.equal(bridge.child.exitCode, null, 'still running');
  const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
  t.equal(health.status, 200);
  const boards = (await (await fetch(`http://127.0.0.1:${httpPort}/boards`)).json()) as { boardId: string }[];
  t.notOk(boards.some((b) => b.boardId === 'desk-1'), 'no session from the bad HELLO');
  t.notMatch(bridge.output(), /Unhandled|unhandledRejection|EncodeError/);
  bridge.child.kill('SIGTERM');
  t.equal(await bridge.exited, 0);
});

t.test('a broker port already taken: exit non-zero at once, saying which flag and who holds it', async (t) => {
  const { port } = await listening(t);
  const bridge = run(t, ['--broker-port', String(port), '--http-port', '0']);
  const code = await bridge.exited;
  t.not(code, 0);
  t.match(bridge.output(), new RegExp(`cannot start: the MQTT broker's port ${port} is in use \\(by pid ${process.pid}`));
  t.match(bridge.output(), /--broker-port P/);
  t.notMatch(bridge.output(), /kubectl --kubeconfig/, 'no hint to use what did not start');
});

t.test('an API server that accepts and never answers: not ready, and SIGTERM still ends the process', async (t) => {
  const dir = tempDir(t);
  const { port } = await listening(t);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: black\n  cluster:\n    server: http://127.0.0.1:${port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: black\n  context: {cluster: black, user: u}\ncurrent-context: black\n`,
  );
  const httpPort = await freePort();
  const bridge = run(t, ['--kubeconfig', kubeconfig, '--broker-port', '0', '--http-port', String(httpPort)]);
  await waitFor('the bridge is up', () => /operations on http/.test(bridge.output()), 60_000, 50);
  const ready = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  t.equal(ready.status, 503, 'not ready while the cluster answers nothing');
  bridge.child.kill('SIGTERM');
  t.equal(await bridge.exited, 0, 'ended by SIGTERM with requests in flight');
});
