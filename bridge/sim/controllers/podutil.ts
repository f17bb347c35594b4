// Pod predicates and orderings shared by the controllers, after k8s.io/kubernetes/pkg/api/v1/pod
// and pkg/controller (ActivePods ranking).
import type { Clock } from '../clock.ts';
import { getCondition } from '../objects.ts';
import type { KubeObject } from '../types.ts';

/** Counts toward a workload's replicas: not terminating and not finished. */
export function isActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: KubeObject): boolean {
  return getCondition(pod.status?.conditions, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (simulated time); returns also how long is left. */
export function availability(pod: KubeObject, minReadySeconds: number, clock: Clock): { available: boolean; waitMs: number } {
  const cond = getCondition(pod.status?.conditions, 'Ready');
  if (!isActive(pod) || cond?.status !== 'True') return { available: false, waitMs: 0 };
  if (!minReadySeconds) return { available: true, waitMs: 0 };
  const since = cond.lastTransitionTime ? elapsedSince(clock, cond.lastTransitionTime) : 0;
  const need = minReadySeconds * 1000;
  return since >= need ? { available: true, waitMs: 0 } : { available: false, waitMs: need - since };
}

/** Simulated milliseconds since a wall-clock timestamp written by this simulator. */
export function elapsedSince(clock: Clock, timestamp: string): number {
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return 0;
  return Math.max(0, (clock.wallNow() - t) * clock.speed);
}

function phaseRank(pod: KubeObject): number {
  const phase = pod.status?.phase;
  return phase === 'Pending' ? 0 : phase === 'Unknown' ? 1 : phase === 'Running' ? 2 : 3;
}

function restarts(pod: KubeObject): number {
  let n = 0;
  for (const c of pod.status?.containerStatuses ?? []) n = Math.max(n, Number(c.restartCount ?? 0));
  return n;
}

/**
 * The order in which a ReplicaSet gives up pods when scaling down, least valuable first:
 * unscheduled, then pending, not ready, ready for less time, more restarts, newer.
 */
export function compareForDeletion(a: KubeObject, b: KubeObject): number {
  const na = a.spec?.nodeName ? 1 : 0;
  const nb = b.spec?.nodeName ? 1 : 0;
  if (na !== nb) return na - nb;
  if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
  const ra = isReady(a) ? 1 : 0;
  const rb = isReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (ra && rb) {
    const ta = getCondition(a.status?.conditions, 'Ready')?.lastTransitionTime ?? '';
    const tb = getCondition(b.status?.conditions, 'Ready')?.lastTransitionTime ?? '';
    if (ta !== tb) return ta > tb ? -1 : 1;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca > cb ? -1 : 1;
  return String(a.metadata.name) < String(b.metadata.name) ? 1 : -1;
}

export function podFromTemplate(opts: { template: any; namespace: string; owner: any; name?: string; generateName?: string }): KubeObject {
  const meta = opts.template?.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: opts.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [opts.owner],
    },
    spec: JSON.parse(JSON.stringify(opts.template?.spec ?? {})),
  };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (opts.name) pod.metadata.name = opts.name;
  else pod.metadata.generateName = opts.generateName;
  return pod;
}
