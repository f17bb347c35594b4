// What the flash tests need around the CLI: socat pseudo-terminal pairs (one end for the CLI, the
// other for a board stand-in), running `podlights` as a user would, and the reasons to skip.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export function socatMissing(): string | undefined {
  const r = spawnSync('socat', ['-V'], { encoding: 'utf8' });
  return r.error ? 'socat not installed (apt-get install socat)' : undefined;
}

export interface Pty {
  /** The end the CLI opens. */
  host: string;
  /** The other end (undefined when socat runs a program there). */
  board?: string;
  socat: ChildProcess;
  close(): Promise<void>;
}

/** A pseudo-terminal at `dir/host` whose far end is another pty (`dir/board`) or a program's stdin/stdout. */
export async function ptyPair(dir: string, name: string, program?: string): Promise<Pty> {
  const host = join(dir, `${name}-host`);
  const board = program ? undefined : join(dir, `${name}-board`);
  const far = program ? `EXEC:${program}` : `pty,raw,echo=0,link=${board}`;
  const socat = spawn('socat', [`pty,raw,echo=0,link=${host}`, far], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  socat.stderr!.on('data', (d) => (err += d));
  const end = Date.now() + 10_000;
  while (!existsSync(host) || (board && !existsSync(board))) {
    if (socat.exitCode !== null || Date.now() > end) throw new Error(`socat did not make the pty pair: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    host,
    board,
    socat,
    close: () =>
      new Promise<void>((resolve) => {
        if (socat.exitCode !== null) return resolve();
        socat.once('exit', () => resolve());
        socat.kill();
      }),
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `podlights <args>` in a child process, as a user runs it. */
export function podlights(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'podlights.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
