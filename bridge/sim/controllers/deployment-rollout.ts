// The rollout arithmetic of the Deployment controller (pkg/controller/deployment/rolling.go,
// recreate.go, sync.go), kept free of I/O: each function decides new replica counts and calls
// `scale` for every ReplicaSet it changes. Returns whether anything was scaled.
import type { KubeObject } from '../types.ts';
import {
  MAX_REPLICAS, byCreation, fenceposts, isRolling, maxSurge, maxUnavailable, replicas, sumAvailable, sumSpec,
} from './deployment-util.ts';

export type ScaleFn = (rs: KubeObject, to: number) => void;

/** How many replicas the new ReplicaSet may have now. */
export function newRSNewReplicas(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject | undefined): number {
  const current = replicas(newRS);
  if (!isRolling(d)) return replicas(d);
  const surge = fenceposts(d).maxSurge;
  const currentPodCount = sumSpec(allRSs);
  const maxTotalPods = replicas(d) + surge;
  if (currentPodCount >= maxTotalPods) return current;
  const scaleUp = Math.min(maxTotalPods - currentPodCount, replicas(d) - current);
  return current + scaleUp;
}

export function reconcileNewReplicaSet(d: KubeObject, allRSs: KubeObject[], newRS: KubeObject, scale: ScaleFn): boolean {
  const want = replicas(d);
  if (replicas(newRS) === want) return false;
  if (replicas(newRS) > want) {
    scale(newRS, want);
    return true;
  }
  const next = newRSNewReplicas(d, allRSs, newRS);
  if (next === replicas(newRS)) return false;
  scale(newRS, next);
  return true;
}

export function reconcileOldReplicaSets(d: KubeObject, allRSs: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject, scale: ScaleFn): boolean {
  const oldPods = sumSpec(oldRSs);
  if (oldPods === 0) return false;
  const allPods = sumSpec(allRSs);
  const minAvailable = replicas(d) - maxUnavailable(d);
  const newUnavailable = replicas(newRS) - Number(newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;

  // First let go of old replicas that are not available anyway: they cost no availability.
  const sorted = [...oldRSs].sort(byCreation);
  const counts = new Map<KubeObject, number>(sorted.map((rs) => [rs, replicas(rs)]));
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const spec = counts.get(rs) as number;
    const available = Number(rs.status?.availableReplicas ?? 0);
    if (spec === 0 || spec <= available) continue;
    const down = Math.min(maxScaledDown - cleaned, spec - available);
    counts.set(rs, spec - down);
    cleaned += down;
  }

  // Then scale down available old replicas while the total stays at or above minAvailable.
  let scaledDown = 0;
  const available = sumAvailable(allRSs);
  if (available > minAvailable) {
    const total = available - minAvailable;
    for (const rs of sorted) {
      if (scaledDown >= total) break;
      const spec = counts.get(rs) as number;
      if (spec === 0) continue;
      const down = Math.min(spec, total - scaledDown);
      counts.set(rs, spec - down);
      scaledDown += down;
    }
  }
  let changed = false;
  for (const rs of sorted) {
    const to = counts.get(rs) as number;
    if (to !== replicas(rs)) {
      scale(rs, to);
      changed = true;
    }
  }
  return changed;
}

/** Proportional scaling when spec.replicas changes in the middle of a rollout (sync.go scale()). */
export function scaleProportionally(d: KubeObject, newRS: KubeObject | undefined, oldRSs: KubeObject[], scale: ScaleFn): void {
  const want = replicas(d);
  const active = [...(newRS ? [newRS] : []), ...oldRSs].filter((rs) => replicas(rs) > 0);
  if (active.length <= 1) {
    const target = active[0] ?? newRS ?? [...oldRSs].sort(byCreation).pop();
    if (target && replicas(target) !== want) scale(target, want);
    return;
  }
  if (newRS && replicas(newRS) === want && Number(newRS.status?.availableReplicas ?? 0) === want) {
    for (const rs of oldRSs) if (replicas(rs) !== 0) scale(rs, 0);
    return;
  }
  if (!isRolling(d)) return;
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(active);
  if (toAdd === 0) return;
  // Grow the newest first; shrink the largest (then oldest) first.
  const ordered = [...active].sort((a, b) =>
    toAdd > 0 ? -byCreation(a, b) : replicas(b) - replicas(a) || byCreation(a, b));
  let added = 0;
  const sizes = new Map<KubeObject, number>();
  for (const rs of ordered) {
    let proportion = 0;
    if (toAdd !== 0) {
      const annotated = Number(rs.metadata.annotations?.[MAX_REPLICAS] ?? d.status?.replicas ?? 0);
      const fraction = want === 0 ? -replicas(rs) : annotated > 0 ? Math.round((replicas(rs) * allowed) / annotated) - replicas(rs) : 0;
      const left = toAdd - added;
      proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    }
    sizes.set(rs, replicas(rs) + proportion);
    added += proportion;
  }
  const first = ordered[0];
  if (first && toAdd !== added) sizes.set(first, Math.max(0, (sizes.get(first) as number) + toAdd - added));
  for (const rs of ordered) {
    const to = Math.max(0, sizes.get(rs) as number);
    if (to !== replicas(rs)) scale(rs, to);
  }
}
