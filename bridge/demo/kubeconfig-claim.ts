// One kubeconfig per running demo. A second `npm start` used to rewrite the first one's file
// (same default path), so kubectl aimed at the first demo silently talked to the second. Each
// demo now claims its kubeconfig with a pid file beside it (`<file>.pid`): the default path is
// used when no live demo holds it, otherwise a path of its own; a path given with --kubeconfig
// that a live demo holds is refused. The demo removes both files when it stops.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface KubeconfigClaim {
  /** Where this demo writes its kubeconfig. */
  path: string;
  /** Set when the default path was held by another live demo: who holds it. */
  movedFrom?: { path: string; pid: number };
  /** Removes the kubeconfig and its pid file, if they are still this demo's. */
  release(): void;
}

export class KubeconfigInUse extends Error {}

function pidFile(path: string): string {
  return `${path}.pid`;
}

/** The pid of a live demo that holds `path`, if any (a pid file of a dead process does not count). */
export function kubeconfigHolder(path: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(path), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's; it still holds the file.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  // A recycled pid that is not a podlights process does not hold anything (Linux can tell).
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('podlights')) return undefined;
  } catch {
    // no procfs: trust the pid
  }
  return pid;
}

export function claimKubeconfig(path: string, opts: { explicit: boolean }): KubeconfigClaim {
  let chosen = path;
  let movedFrom: KubeconfigClaim['movedFrom'];
  const holder = kubeconfigHolder(path);
  if (holder !== undefined) {
    if (opts.explicit) throw new KubeconfigInUse(`${path} is the kubeconfig of the demo running as pid ${holder}: stop that one, or choose another --kubeconfig`);
    chosen = join(dirname(path), `${basename(path).replace(/\.kubeconfig$/, '')}-${process.pid}.kubeconfig`);
    movedFrom = { path, pid: holder };
  }
  writeFileSync(pidFile(chosen), `${process.pid}\n`);
  return {
    path: chosen,
    movedFrom,
    release() {
      // Only if still ours: a later demo may have taken the path over after this one died.
      try {
        if (readFileSync(pidFile(chosen), 'utf8').trim() !== String(process.pid)) return;
      } catch {
        return;
      }
      rmSync(chosen, { force: true });
      rmSync(pidFile(chosen), { force: true });
    },
  };
}
