// Child processes of a test's control plane that cannot outlive the test: each daemon's pid is
// handed to a reaper shell whose stdin is a pipe from this process. When this process ends in any
// way (a failed test, tap's timeout, SIGKILL), the pipe closes, the reaper's `read` returns, and
// it kills every daemon and removes the temporary directory. A clean stop() does the same first.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const REAPER = 'dir="$1"; pids=""; while read -r p; do pids="$pids $p"; done; kill -9 $pids 2>/dev/null; rm -rf "$dir"';

export class Daemon {
  proc: ChildProcess | undefined;
  readonly log: string;

  constructor(
    readonly name: string,
    private readonly command: string,
    readonly args: string[],
    private readonly dir: string,
    private readonly reaper: ChildProcess,
  ) {
    this.log = join(dir, `${name}.log`);
  }

  start(): void {
    const out = openSync(this.log, 'a');
    const proc = spawn(this.command, this.args, { stdio: ['ignore', out, out] });
    closeSync(out);
    proc.on('error', () => {}); // spawn errors show as an early exit; the waiters report the log
    this.proc = proc;
    if (proc.pid) this.reaper.stdin?.write(`${proc.pid}\n`);
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 5000): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** The last lines of its log, for error messages. */
  tail(lines = 15): string {
    try {
      return readFileSync(this.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

export class ProcessGroup {
  private readonly reaper: ChildProcess;
  readonly daemons: Daemon[] = [];

  constructor(readonly dir: string) {
    this.reaper = spawn('sh', ['-c', REAPER, 'reaper', dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    // The reaper must not keep this process's event loop alive, nor die with its process group.
    this.reaper.unref();
    (this.reaper.stdin as unknown as { unref?: () => void }).unref?.();
  }

  add(name: string, command: string, args: string[]): Daemon {
    const d = new Daemon(name, command, args, this.dir, this.reaper);
    this.daemons.push(d);
    return d;
  }

  /** Stops every daemon (in reverse start order) and lets the reaper remove the directory. */
  async stop(): Promise<void> {
    for (const d of [...this.daemons].reverse()) await d.stop();
    this.reaper.ref(); // keep the event loop alive until it is gone
    const reaped = new Promise<void>((resolve) => {
      if (this.reaper.exitCode !== null) resolve();
      else this.reaper.once('exit', () => resolve());
    });
    this.reaper.stdin?.end();
    await reaped;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
