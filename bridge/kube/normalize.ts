// Kubernetes objects, as typed list items (client-node classes with Date fields) or raw watch
// JSON (strings), to the lean shapes in lean.ts. Everything not needed is left behind, so the
// cache stays small (no managedFields, no specs, no annotations but one).
import type { LeanNode, LeanPod, LeanService, LeanWorkload, WorkloadKind } from './lean.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw and typed objects differ in shape */
type Obj = Record<string, any>;

/** Timestamps repeat (pods created in the same second, every event of one pod): parse each once. */
const times = new Map<string, number>();

export function time(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return 0;
  let t = times.get(v);
  if (t === undefined) {
    if (times.size >= 4096) times.clear();
    t = Date.parse(v) || 0;
    times.set(v, t);
  }
  return t;
}

function controllerOf(meta: Obj): { kind: string; name: string } | undefined {
  const refs: Obj[] = meta.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? { kind: String(ref.kind), name: String(ref.name) } : undefined;
}

function isTrue(conditions: Obj[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Shared by every pod with no waiting container (most of them): nothing to allocate. */
export const NOT_WAITING: string[] = [];

function waitingReasons(into: string[], statuses: Obj[] | undefined): string[] {
  if (statuses === undefined) return into;
  for (const s of statuses) {
    const reason = s?.state?.waiting?.reason;
    if (typeof reason !== 'string') continue;
    if (into === NOT_WAITING) into = [];
    into.push(reason);
  }
  return into;
}

export function leanPod(o: Obj): LeanPod {
  const meta = o.metadata ?? {};
  const status = o.status ?? {};
  const conditions: Obj[] | undefined = status.conditions;
  // Decoded objects are the reflector's own (fresh from JSON): their labels are kept, not copied.
  const labels: Record<string, string> = meta.labels ?? {};
  let restarts = 0;
  for (const s of (status.containerStatuses ?? []) as Obj[]) restarts += Number(s.restartCount) || 0;
  let scheduled = Boolean(o.spec?.nodeName);
  let ready = false;
  let unschedulable = false;
  for (const c of conditions ?? []) {
    if (c.type === 'Ready') ready ||= c.status === 'True';
    else if (c.type === 'PodScheduled') {
      scheduled ||= c.status === 'True';
      unschedulable ||= c.status === 'False' && c.reason === 'Unschedulable';
    }
  }
  return {
    uid: String(meta.uid ?? `${meta.namespace}/${meta.name}`),
    namespace: String(meta.namespace ?? 'default'),
    name: String(meta.name),
    labels,
    nodeName: o.spec?.nodeName || undefined,
    phase: String(status.phase ?? 'Pending'),
    scheduled,
    ready,
    unschedulable,
    waiting: waitingReasons(waitingReasons(NOT_WAITING, status.initContainerStatuses), status.containerStatuses),
    restarts,
    deleting: Boolean(meta.deletionTimestamp),
    owner: controllerOf(meta),
    revision: labels['pod-template-hash'] ?? labels['controller-revision-hash'],
    createdAt: time(meta.creationTimestamp),
  };
}

export function leanWorkload(kind: WorkloadKind, o: Obj): LeanWorkload {
  const meta = o.metadata ?? {};
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  const base = {
    kind,
    uid: String(meta.uid ?? `${meta.namespace}/${meta.name}`),
    namespace: String(meta.namespace ?? 'default'),
    name: String(meta.name),
    labels,
    templateLabels: { ...(spec.template?.metadata?.labels ?? {}) },
    pending: Number(meta.generation ?? 0) > Number(status.observedGeneration ?? meta.generation ?? 0),
    revision: undefined as string | undefined,
    revisionNumber: 0,
    owner: undefined as string | undefined,
  };
  const n = (v: unknown) => Number(v) || 0;
  switch (kind) {
    case 'DaemonSet':
      return {
        ...base,
        desired: n(status.desiredNumberScheduled),
        updated: n(status.updatedNumberScheduled),
        ready: n(status.numberReady),
        available: n(status.numberAvailable),
      };
    case 'StatefulSet': {
      const rev = typeof status.updateRevision === 'string' ? status.updateRevision : undefined;
      return {
        ...base,
        desired: n(spec.replicas ?? 1),
        updated: n(status.updatedReplicas),
        ready: n(status.readyReplicas),
        available: n(status.availableReplicas ?? status.readyReplicas),
        // Pods carry controller-revision-hash = the full revision name.
        revision: rev,
      };
    }
    case 'ReplicaSet': {
      const owner = controllerOf(meta);
      return {
        ...base,
        desired: n(spec.replicas ?? 1),
        updated: n(status.replicas),
        ready: n(status.readyReplicas),
        available: n(status.availableReplicas),
        revision: labels['pod-template-hash'],
        revisionNumber: n(meta.annotations?.['deployment.kubernetes.io/revision']),
        owner: owner?.kind === 'Deployment' ? owner.name : undefined,
      };
    }
    default:
      return {
        ...base,
        desired: n(spec.replicas ?? 1),
        updated: n(status.updatedReplicas),
        ready: n(status.readyReplicas),
        available: n(status.availableReplicas),
      };
  }
}

export function leanService(o: Obj): LeanService {
  const meta = o.metadata ?? {};
  const selector: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.spec?.selector ?? {})) if (typeof v === 'string') selector[k] = v;
  return { namespace: String(meta.namespace ?? 'default'), name: String(meta.name), selector };
}

export function leanNode(o: Obj): LeanNode {
  const meta = o.metadata ?? {};
  const labels: Record<string, string> = { ...(meta.labels ?? {}) };
  return {
    name: String(meta.name),
    arch: labels['kubernetes.io/arch'] ?? o.status?.nodeInfo?.architecture ?? 'unknown',
    ready: isTrue(o.status?.conditions, 'Ready'),
    unschedulable: Boolean(o.spec?.unschedulable),
    labels,
  };
}
