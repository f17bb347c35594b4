// The container image runs (issue 9): with no Docker engine here, this does what deploy/Dockerfile
// does, reading its commands from the Dockerfile itself: `npm run build` on what the build stage
// COPYs (the clone's node_modules standing in for its full `npm ci`), then a production install
// (the runtime stage's `npm ci` line) in a folder outside the repository, so nothing can be found
// in the clone's node_modules; dist/ copied in; then the image's entrypoint runs
// `--help`, a short bridge against the embedded simulator, which must get ready and exit 0 on
// SIGTERM, and the demo. The install has no esbuild binary, so this only passes with no
// TypeScript loader.
import t from 'tap';
import type { Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

t.setTimeout(600_000); // npm ci, the build and two Node processes on a loaded 2-core machine

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network/;

function stages(): string[] {
  return readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8').split(/^FROM /m).slice(1);
}

/** The build stage's `COPY <sources...> <destination>` lines (from the build context). */
function buildCopies(): { sources: string[]; dest: string }[] {
  const lines = [...stages()[0].matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) => m[1].trim().split(/\s+/));
  return lines.map((words) => ({ sources: words.slice(0, -1), dest: words[words.length - 1] }));
}

/** Copies the build context into `dir` as the build stage's COPY lines do (.dockerignore: no node_modules, no dist). */
function copyContext(dir: string): void {
  const ignored = (path: string) => /(^|[\\/])(node_modules|dist)([\\/]|$)/.test(relative(ROOT, path));
  for (const { sources, dest } of buildCopies()) {
    for (const source of sources) {
      const from = join(ROOT, source);
      const isDir = statSync(from).isDirectory();
      const to = isDir || !(dest.endsWith('/') || sources.length > 1) ? join(dir, dest) : join(dir, dest, basename(source));
      cpSync(from, to, { recursive: true, filter: (path) => !ignored(path) });
    }
  }
}

/** The runtime stage of deploy/Dockerfile: its install command, entrypoint and default command. */
function runtimeStage(): { install: string[]; entrypoint: string[]; cmd: string[] } {
  const all = stages();
  const last = all[all.length - 1];
  const run = /^RUN (npm ci [^&\n]*)/m.exec(last);
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(last);
  const cmd = /^CMD (\[.*\])$/m.exec(last);
  if (!run || !entrypoint || !cmd) throw new Error('deploy/Dockerfile: the runtime stage needs RUN npm ci, ENTRYPOINT and CMD');
  return { install: run[1].trim().split(/\s+/), entrypoint: JSON.parse(entrypoint[1]), cmd: JSON.parse(cmd[1]) };
}

// tap puts its process-info loader into every child's NODE_OPTIONS (from the clone's
// node_modules); the image has no such thing, so its processes start through `env -u`.
const CLEAN = ['env', '-u', 'NODE_OPTIONS'];

function sh(cmd: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(CLEAN[0], [...CLEAN.slice(1), ...cmd], { cwd, encoding: 'utf8', timeout: 300_000 });
}

function rssMB(pid: number): string {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '')?.[1] ?? NaN);
    return `RSS ${(kb('VmRSS') / 1024).toFixed(1)} MB (peak ${(kb('VmHWM') / 1024).toFixed(1)} MB)`;
  } catch {
    return 'RSS unknown (no /proc)';
  }
}

/** A process of the image (stdout and stderr collected), killed at teardown if still running. */
function launch(t: Test, cwd: string, cmd: string[], env: Record<string, string>) {
  const child = spawn(CLEAN[0], [...CLEAN.slice(1), ...cmd], { cwd, env: { PATH: process.env.PATH, HOME: cwd, TMPDIR: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  /** Polls `done` on the output until it holds, the process exits, or a generous limit passes. */
  const until = async (done: (out: string) => Promise<boolean>): Promise<boolean> => {
    const giveUp = Date.now() + 90_000;
    while (Date.now() < giveUp && child.exitCode === null) {
      if (await done(out)) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  };
  return { child, exited, output: () => out, until };
}

t.test('the image: production install, compiled entrypoint, bridge on the simulator, demo', async (t) => {
  const stage = runtimeStage();
  t.same(stage.install.slice(0, 2), ['npm', 'ci'], 'the runtime stage installs with npm ci');
  t.ok(stage.install.includes('--omit=dev') && stage.install.includes('--omit=optional'), 'production packages only, no optional (esbuild binary) ones');
  t.equal(stage.entrypoint[0], 'node', 'the entrypoint is node');
  t.equal(stage.entrypoint.at(-1), 'dist/bin/podlights.js', 'running compiled JavaScript (no loader)');
  t.ok(stage.entrypoint.slice(1, -1).every((a) => /^--[a-z-]+(=\S+)?$/.test(a) && !/loader|import|require/.test(a)), `with V8 flags only: ${stage.entrypoint.slice(1, -1).join(' ') || 'none'}`);
  t.same(stage.cmd[0], 'bridge', 'the default command is the bridge');

  const app = mkdtempSync(join(tmpdir(), 'podlights-image-'));
  t.teardown(() => rmSync(app, { recursive: true, force: true }));

  const context = mkdtempSync(join(tmpdir(), 'podlights-image-build-'));
  t.teardown(() => rmSync(context, { recursive: true, force: true }));
  copyContext(context);
  symlinkSync(join(ROOT, 'node_modules'), join(context, 'node_modules'));
  const build = sh(['npm', 'run', 'build', '--', '--out', join(app, 'dist')], context);
  t.equal(build.status, 0, `npm run build on the build stage's files${build.status === 0 ? '' : `:\n${build.stdout}${build.stderr}`}`);
  if (build.status !== 0) return;

  copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  copyFileSync(join(ROOT, 'package-lock.json'), join(app, 'package-lock.json'));
  // --prefer-offline and no audit: the npm cache serves what the clone's `npm ci` fetched; the
  // install itself is the Dockerfile's.
  const install = sh([...stage.install, '--prefer-offline', '--no-audit', '--no-fund'], app);
  if (install.status !== 0 && NETWORK.test(install.stderr)) {
    const reason = `skipped: the npm registry is unreachable and the npm cache lacks a package: ${install.stderr.split('\n').find((l) => NETWORK.test(l))}`;
    t.comment(reason);
    t.pass('the production install', { skip: reason });
    return;
  }
  t.equal(install.status, 0, `${stage.install.join(' ')}${install.status === 0 ? '' : `:\n${install.stderr}`}`);
  if (install.status !== 0) return;
  const esbuildBinaries = existsSync(join(app, 'node_modules/@esbuild')) ? readdirSync(join(app, 'node_modules/@esbuild')) : [];
  t.same(esbuildBinaries, [], 'the production install has no esbuild binary (so no TypeScript loader can work)');

  const help = sh([...stage.entrypoint, 'bridge', '--help'], app);
  t.equal(help.status, 0, `bridge --help${help.status === 0 ? '' : `:\n${help.stderr}`}`);
  t.match(help.stdout, /^usage: podlights bridge/, 'prints the bridge usage');
  const version = sh([...stage.entrypoint, '--version'], app);
  t.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version, '--version finds the package version');
  const boards = sh([...stage.entrypoint, 'boards'], app);
  t.match(boards.stdout, /virtual-60/, 'the board profiles ship in dist/');

  // DaemonSet mode on the embedded simulator: --node as the DaemonSet's NODE_NAME would give it.
  const bridge = launch(t, app, [...stage.entrypoint, 'bridge', '--node', 'eu-amd64-1', '--broker-port', '0', '--http-port', '0'], { NODE_ENV: 'production' });
  const ops = () => /operations on (http:\/\/[^:]+:\d+\/)/.exec(bridge.output())?.[1];
  const ready = await bridge.until(async () => {
    const url = ops();
    return url ? fetch(new URL('readyz', url)).then((r) => r.ok, () => false) : false;
  });
  t.ok(ready, `the bridge reports ready on /readyz${ready ? '' : `:\n${bridge.output()}`}`);
  if (ready) t.match(await (await fetch(new URL('metrics', ops()))).text(), /^podlights_/m, 'serves /metrics (prom-client, bundled)');
  t.match(bridge.output(), /embedded simulator/, 'no kubeconfig: it watches the embedded simulator');
  t.comment(`bridge --node from dist/, embedded simulator in the same process: ${rssMB(bridge.child.pid!)}`);
  bridge.child.kill('SIGTERM');
  t.same(await bridge.exited, { code: 0, signal: null }, 'exits 0 on SIGTERM');

  // The demo from the same tree: virtual boards (firmware core) and the page's script, which the
  // build bundled because this install cannot run esbuild.
  const demo = launch(t, app, [...stage.entrypoint, 'demo', '--port', '0', '--broker-port', '0', '--kubeconfig', join(app, 'demo.kubeconfig')], { KUBECONFIG: join(app, 'missing') });
  await demo.until(async (out) => out.includes('ready; Ctrl-C to stop'));
  t.match(demo.output(), /10 virtual boards connected/, 'the demo\'s virtual boards connect');
  const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(demo.output())?.[1];
  if (url) {
    const script = await fetch(new URL('app.js', url));
    t.equal(script.status, 200, 'the page script is served');
    t.match(await script.text(), /\S{100}/, 'and is not empty');
  } else t.fail(`the demo prints its page URL:\n${demo.output()}`);
  demo.child.kill('SIGINT');
  t.same(await demo.exited, { code: 0, signal: null }, 'the demo exits 0 on SIGINT');
});
