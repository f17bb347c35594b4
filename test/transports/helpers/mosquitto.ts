// Debian's mosquitto, started by a test on a free port with a temporary config (never the
// system service). Tests skip with a reason when it is not installed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.ts';
import { sleep } from './wait.ts';

export const MOSQUITTO = '/usr/sbin/mosquitto';

export function mosquittoSkip(): string | false {
  return existsSync(MOSQUITTO) ? false : 'mosquitto not installed (/usr/sbin/mosquitto)';
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class Mosquitto {
  private proc: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'podlights-mosq-'));
  port = 0;
  output = '';

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const conf = join(this.dir, 'mosquitto.conf');
    const lines = [`listener ${this.port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning'];
    writeFileSync(conf, [...lines, ''].join('\n'));
    const proc = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    proc.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.on('error', (err) => (this.output += String(err)));
    const until = Date.now() + 5000;
    while (!(await accepting(this.port))) {
      if (Date.now() > until || proc.exitCode !== null) throw new Error(`mosquitto did not start: ${this.output}`);
      await sleep(20);
    }
  }

  /** Kills the broker (SIGKILL: no goodbye to clients) and waits for the process to end. */
  async kill(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
