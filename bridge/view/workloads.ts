// Which workload a pod belongs to and whether it is on the workload's newest revision, from the
// owner chain (Pod -> ReplicaSet -> Deployment) and the ReplicaSets' revision annotations.
import { workloadKey } from '../kube/lean.ts';
import type { ClusterState, LeanPod, LeanWorkload } from '../kube/lean.ts';

export interface PodWorkload {
  /** Deployment/StatefulSet/DaemonSet key, or the owner (or pod) for anything else. */
  key: string;
  workload: LeanWorkload | undefined;
  /** Hash of the newest revision, when known. */
  currentRevision: string | undefined;
}

/** The newest ReplicaSet of each Deployment, by its revision annotation. */
export function newestReplicaSets(cluster: ClusterState): Map<string, LeanWorkload> {
  const newest = new Map<string, LeanWorkload>();
  for (const w of cluster.workloads.values()) {
    if (w.kind !== 'ReplicaSet' || w.owner === undefined) continue;
    const key = workloadKey('Deployment', w.namespace, w.owner);
    const seen = newest.get(key);
    if (!seen || w.revisionNumber > seen.revisionNumber) newest.set(key, w);
  }
  return newest;
}

export function podWorkload(cluster: ClusterState, pod: LeanPod, newest: Map<string, LeanWorkload>): PodWorkload {
  const owner = pod.owner;
  if (!owner) return { key: workloadKey('Pod', pod.namespace, pod.name), workload: undefined, currentRevision: undefined };
  if (owner.kind === 'ReplicaSet') {
    const rs = cluster.workloads.get(workloadKey('ReplicaSet', pod.namespace, owner.name));
    // A Deployment's ReplicaSet is named <deployment>-<pod-template-hash>: when the Deployment
    // and its ReplicaSets are deleted while the pods still terminate, the pods keep their
    // workload (and so their lane and color) instead of jumping to a lane of their own.
    const hashSuffix = pod.revision !== undefined && owner.name.endsWith(`-${pod.revision}`) ? owner.name.slice(0, -pod.revision.length - 1) : undefined;
    const deployment = rs?.owner ?? (rs === undefined ? hashSuffix : undefined);
    if (deployment !== undefined) {
      const key = workloadKey('Deployment', pod.namespace, deployment);
      return { key, workload: cluster.workloads.get(key), currentRevision: newest.get(key)?.revision };
    }
  }
  const key = workloadKey(owner.kind, pod.namespace, owner.name);
  const workload = cluster.workloads.get(key);
  return { key, workload, currentRevision: workload?.kind === 'ReplicaSet' ? pod.revision : workload?.revision };
}

/**
 * A rollout is a template change and nothing else: it is in progress while pods of the workload
 * run another revision than its newest. Scaling, a deleted pod or a node going NotReady leave
 * "ready below desired" for a while, and are not rollouts.
 */
export function rolloutInProgress(oldPods: number): boolean {
  return oldPods > 0;
}
