// `npm start` (`podlights demo`) needs nothing but the repository: no kubeconfig, no broker, no
// network. It starts, serves (the page, or the terminal view with --no-web), and on SIGINT or
// SIGTERM stops everything and exits 0, leaving no process behind (esbuild's service included).
import t from 'tap';
import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const BIN = new URL('../../bin/podlights.js', import.meta.url).pathname;

/** Pids of every live descendant of `root` (from /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) if (ppid === pid) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

async function runDemo(t: Test, args: string[], signal: NodeJS.Signals, check?: (stdout: string) => Promise<void>) {
  const dir = t.testdir({});
  const child = spawn(process.execPath, [BIN, 'demo', '--broker-port', '0', '--kubeconfig', join(dir, 'kubeconfig'), ...args], {
    // No kubeconfig to fall back on, and no inherited podlights settings.
    env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir, KUBECONFIG: join(dir, 'missing') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, sig) => res({ code, signal: sig })));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const end = Date.now() + 30_000;
  while (!stdout.includes('ready; Ctrl-C to stop')) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`demo did not start:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  t.match(stdout, /kubeconfig .*kubeconfig/, 'prints where the kubeconfig is');
  t.match(stdout, /MQTT broker mqtt:\/\/127\.0\.0\.1:\d+/, 'prints the broker');
  if (check) await check(stdout);
  const kids = descendants(child.pid!);
  child.kill(signal);
  const result = await Promise.race([exited, new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`no exit after ${signal}:\n${stdout}\n${stderr}`)), 15_000))]);
  t.same(result, { code: 0, signal: null }, `exits 0 on ${signal}`);
  await new Promise((r) => setTimeout(r, 200));
  t.same(kids.filter(alive), [], 'no process left behind');
  t.notMatch(stderr, /Error|error/, 'nothing on stderr');
}

t.test('podlights demo --no-web: starts with nothing else, stops on SIGINT', async (t) => {
  await runDemo(t, ['--no-web'], 'SIGINT', async (stdout) => {
    t.match(stdout, /10 virtual boards connected/);
  });
});

t.test('podlights demo (web page): serves the page, stops on SIGTERM', async (t) => {
  await runDemo(t, ['--port', '0'], 'SIGTERM', async (stdout) => {
    const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
    t.ok(url, 'prints the page URL');
    const page = await fetch(url!);
    t.equal(page.status, 200);
    t.match(await page.text(), /<script type="module" src="\/app\.js">/);
    const app = await fetch(new URL('app.js', url));
    t.equal(app.status, 200);
    t.match(app.headers.get('content-type') ?? '', /javascript/);
    const state = (await (await fetch(new URL('api/state', url))).json()) as { boards: unknown[] };
    t.equal(state.boards.length, 10, 'ten boards');
  });
});

t.test('podlights demo: bad options are one-line errors with exit 2', async (t) => {
  for (const args of [['--speed', 'fast'], ['--port', 'http'], ['--scenario', 'nope'], ['--bogus']]) {
    const child = spawn(process.execPath, [BIN, 'demo', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((res) => child.once('exit', res));
    t.equal(code, 2, `${args.join(' ')}: exit 2`);
    t.match(stderr, /^podlights demo: .+\n$/, `${args.join(' ')}: ${stderr.trim()}`);
  }
});
