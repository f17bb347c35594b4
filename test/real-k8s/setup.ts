// Starting a test file's control plane and bridge, stopped by tap's teardown whatever happens.
// A file whose binaries are missing skips with the reason and the command that builds them.
import type { Test } from 'tap';
import { kubectlMissing } from '../bridge/harness.ts';
import { realK8sSkip } from './binaries.ts';
import { RealCluster } from './cluster.ts';
import type { RealClusterOptions } from './cluster.ts';
import { record } from './converge.ts';
import { startRig } from './rig.ts';
import type { Rig } from './rig.ts';

/** The skip reason for every real-k8s test, or false. */
export function skipReason(): string | false {
  const why = kubectlMissing() || realK8sSkip();
  return why ? `skipped: ${why}` : false;
}

/**
 * A whole file may run for many minutes on a loaded machine (a node's heartbeat timeout, pod
 * garbage collection): longer than tap's default per-file timeout.
 */
export const FILE_TIMEOUT_MS = 900_000;

export async function realCluster(t: Test, options: RealClusterOptions = {}): Promise<RealCluster> {
  const cluster = new RealCluster(options);
  t.teardown(() => cluster.stop());
  try {
    await cluster.start();
  } catch (err) {
    record('control plane start', false, (err as Error).message.slice(0, 300));
    throw err;
  }
  t.comment(`Kubernetes ${cluster.version} at ${cluster.server} (${cluster.dir})`);
  return cluster;
}

export async function bridgeOn(t: Test, kubeconfig: string, boardIds?: string[]): Promise<Rig> {
  const rig = await startRig(kubeconfig, boardIds);
  t.teardown(() => rig.stop());
  return rig;
}
