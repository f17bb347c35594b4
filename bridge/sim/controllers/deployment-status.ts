// Deployment status and its Available/Progressing conditions, as `kubectl rollout status`
// reads them (pkg/controller/deployment/sync.go, progress.go).
import type { Clock } from '../clock.ts';
import { clone, getCondition, rfc3339, setCondition } from '../objects.ts';
import type { Condition, KubeObject } from '../types.ts';
import { elapsedSince } from './podutil.ts';
import { isComplete, maxUnavailable, replicas, sumActual, sumAvailable, sumReady, sumSpec } from './deployment-util.ts';

export const REASON = {
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  timedOut: 'ProgressDeadlineExceeded',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
};

function omitZero(status: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(status)) if (v === 0 || v === undefined) delete status[k];
  return status;
}

export function calculateStatus(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined, now: string): any {
  const available = sumAvailable(allRSs);
  const status: any = omitZero({
    observedGeneration: d.metadata.generation,
    replicas: sumActual(allRSs),
    updatedReplicas: newRS ? Number(newRS.status?.replicas ?? 0) : 0,
    readyReplicas: sumReady(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(allRSs) - available),
    collisionCount: d.status?.collisionCount,
  });
  let conditions: Condition[] = clone(d.status?.conditions ?? []);
  const ok = available >= replicas(d) - maxUnavailable(d);
  conditions = setCondition(conditions, ok
    ? { type: 'Available', status: 'True', reason: REASON.minAvailable, message: 'Deployment has minimum availability.', lastUpdateTime: now }
    : { type: 'Available', status: 'False', reason: REASON.minUnavailable, message: 'Deployment does not have minimum availability.', lastUpdateTime: now }, now);
  status.conditions = conditions;
  return status;
}

function progressing(d: KubeObject, next: any): boolean {
  const old = d.status ?? {};
  const n = (v: unknown) => Number(v ?? 0);
  const oldOld = n(old.replicas) - n(old.updatedReplicas);
  const newOld = n(next.replicas) - n(next.updatedReplicas);
  return n(next.updatedReplicas) > n(old.updatedReplicas) || newOld < oldOld || n(next.readyReplicas) > n(old.readyReplicas) || n(next.availableReplicas) > n(old.availableReplicas);
}

/** Simulated ms until the progress deadline passes, or undefined when no deadline is running. */
export function deadlineIn(d: KubeObject, clock: Clock): number | undefined {
  const cond = getCondition(d.status?.conditions, 'Progressing');
  const deadline = d.spec?.progressDeadlineSeconds;
  if (!cond || deadline === undefined || cond.reason === REASON.newRSAvailable || cond.reason === REASON.timedOut) return undefined;
  const since = cond.lastUpdateTime ? elapsedSince(clock, cond.lastUpdateTime) : 0;
  return Math.max(0, deadline * 1000 - since);
}

/** The status the Deployment should have now; `newRSName` names the ReplicaSet in messages. */
export function rolloutStatus(opts: { d: KubeObject; allRSs: KubeObject[]; newRS: KubeObject | undefined; clock: Clock }): any {
  const { d, allRSs, newRS, clock } = opts;
  const now = rfc3339(clock.wallNow());
  const status = calculateStatus(d, allRSs, newRS, now);
  const hasDeadline = d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
  let conditions: Condition[] = status.conditions;
  if (!hasDeadline) conditions = conditions.filter((c) => c.type !== 'Progressing');
  const current = getCondition(conditions, 'Progressing');
  const complete = Number(status.replicas ?? 0) === Number(status.updatedReplicas ?? 0) && current?.reason === REASON.newRSAvailable;
  if (hasDeadline && !complete) {
    const rsName = newRS?.metadata.name;
    if (isComplete(d, status)) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: REASON.newRSAvailable, message: `ReplicaSet "${rsName}" has successfully progressed.`, lastUpdateTime: now }, now);
    } else if (progressing(d, status)) {
      const message = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: REASON.rsUpdated, message, lastUpdateTime: now }, now);
      // Progress always refreshes lastUpdateTime, which restarts the deadline.
      const c = getCondition(conditions, 'Progressing') as Condition;
      c.lastUpdateTime = now;
    } else if (current && current.reason !== REASON.timedOut && (deadlineIn(d, clock) ?? 1) <= 0) {
      const message = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: REASON.timedOut, message, lastUpdateTime: now }, now);
    }
  }
  status.conditions = conditions;
  return status;
}
