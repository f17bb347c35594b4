// A pair of linked pseudo-terminals from socat: one end for the serial transport, the other for
// a fake board. Killing socat is an unplug; starting it again at the same link paths a replug.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './wait.ts';

export function socatSkip(): string | false {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0 ? false : 'socat not installed';
}

export class PtyPair {
  private proc: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'podlights-pty-'));
  /** The bridge's end. */
  readonly host = join(this.dir, 'host');
  /** The fake board's end. */
  readonly board = join(this.dir, 'board');
  output = '';

  async start(): Promise<void> {
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.host}`, `pty,raw,echo=0,link=${this.board}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.proc = proc;
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const until = Date.now() + 5000;
    while (!existsSync(this.host) || !existsSync(this.board)) {
      if (Date.now() > until || proc.exitCode !== null) throw new Error(`socat did not start: ${this.output}`);
      await sleep(10);
    }
  }

  /** Unplug: socat ends (SIGTERM, so it removes its links and the path is really gone). */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
