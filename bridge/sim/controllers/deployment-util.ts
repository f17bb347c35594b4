// Deployment helpers after k8s.io/kubernetes/pkg/controller/deployment/util: revisions, the
// surge/unavailable fenceposts, replica sums and template comparison.
import { clone, deepEqual, scaledValue } from '../objects.ts';
import type { KubeObject } from '../types.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';

export function revisionOf(obj: KubeObject): number {
  const n = Number(obj.metadata.annotations?.[REVISION] ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export function replicas(obj: KubeObject | undefined): number {
  return Number(obj?.spec?.replicas ?? 0);
}

export function isRolling(d: KubeObject): boolean {
  return d.spec?.strategy?.type !== 'Recreate';
}

/** maxSurge rounds up, maxUnavailable rounds down; both zero means one may be unavailable. */
export function fenceposts(d: KubeObject): { maxSurge: number; maxUnavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const desired = replicas(d);
  const maxSurge = scaledValue(ru.maxSurge, desired, true, '25%');
  let maxUnavailable = scaledValue(ru.maxUnavailable, desired, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export function maxSurge(d: KubeObject): number {
  return isRolling(d) ? fenceposts(d).maxSurge : 0;
}

export function maxUnavailable(d: KubeObject): number {
  if (!isRolling(d) || replicas(d) === 0) return 0;
  return Math.min(fenceposts(d).maxUnavailable, replicas(d));
}

export const sumSpec = (rss: KubeObject[]) => rss.reduce((n, rs) => n + replicas(rs), 0);
export const sumActual = (rss: KubeObject[]) => rss.reduce((n, rs) => n + Number(rs.status?.replicas ?? 0), 0);
export const sumReady = (rss: KubeObject[]) => rss.reduce((n, rs) => n + Number(rs.status?.readyReplicas ?? 0), 0);
export const sumAvailable = (rss: KubeObject[]) => rss.reduce((n, rs) => n + Number(rs.status?.availableReplicas ?? 0), 0);

/** The ReplicaSet controller has seen the latest spec (and acted on it). */
export function settled(rs: KubeObject): boolean {
  return Number(rs.status?.observedGeneration ?? 0) >= Number(rs.metadata.generation ?? 1);
}

function withoutHash(template: any): any {
  const t = clone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  // `kubectl rollout undo` sends the old template with "creationTimestamp": null, which the
  // real controller (comparing Go structs) sees as unset: the old ReplicaSet must still match.
  if (t.metadata && t.metadata.creationTimestamp == null) delete t.metadata.creationTimestamp;
  return t;
}

export function equalIgnoreHash(a: any, b: any): boolean {
  return deepEqual(withoutHash(a), withoutHash(b));
}

export function byCreation(a: KubeObject, b: KubeObject): number {
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return ca < cb ? -1 : 1;
  return String(a.metadata.name) < String(b.metadata.name) ? -1 : 1;
}

/** Complete: every desired replica is updated and available, and the latest spec is observed. */
export function isComplete(d: KubeObject, status: any): boolean {
  const want = replicas(d);
  return (
    Number(status.updatedReplicas ?? 0) === want &&
    Number(status.replicas ?? 0) === want &&
    Number(status.availableReplicas ?? 0) === want &&
    Number(status.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 1)
  );
}
