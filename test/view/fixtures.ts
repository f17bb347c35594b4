// Hand-built cluster states for view tests.
import type { ClusterState, LeanNode, LeanPod, LeanService, LeanWorkload } from '../../bridge/kube/lean.ts';
import { workloadKey } from '../../bridge/kube/lean.ts';

let uid = 0;

export function pod(over: Partial<LeanPod> & { name: string }): LeanPod {
  return {
    uid: `uid-${over.name}-${uid++}`,
    namespace: 'default',
    labels: { blinkt: 'show' },
    nodeName: 'node-a',
    phase: 'Running',
    scheduled: true,
    ready: true,
    unschedulable: false,
    waiting: [],
    restarts: 0,
    deleting: false,
    owner: undefined,
    revision: undefined,
    createdAt: uid,
    ...over,
  };
}

export function workload(over: Partial<LeanWorkload> & Pick<LeanWorkload, 'kind' | 'name'>): LeanWorkload {
  return {
    uid: `w-${over.name}`,
    namespace: 'default',
    labels: {},
    templateLabels: {},
    desired: 3,
    updated: 3,
    ready: 3,
    available: 3,
    revision: undefined,
    revisionNumber: 0,
    owner: undefined,
    pending: false,
    ...over,
  };
}

export function node(name: string, over: Partial<LeanNode> = {}): LeanNode {
  return { name, arch: 'amd64', ready: true, unschedulable: false, labels: {}, ...over };
}

export function cluster(name: string, parts: { pods?: LeanPod[]; workloads?: LeanWorkload[]; nodes?: (Omit<LeanNode, 'unschedulable'> & { unschedulable?: boolean })[]; health?: ClusterState['health']; services?: LeanService[] }): ClusterState {
  const nodes = (parts.nodes ?? [node('node-a')]).map((n) => ({ unschedulable: false, ...n }));
  return {
    name,
    health: parts.health ?? 'healthy',
    pods: new Map((parts.pods ?? []).map((p) => [p.uid, p])),
    workloads: new Map((parts.workloads ?? []).map((w) => [workloadKey(w.kind, w.namespace, w.name), w])),
    nodes: new Map(nodes.map((n) => [n.name, n])),
    services: new Map((parts.services ?? []).map((s) => [`${s.namespace}/${s.name}`, s])),
  };
}

export function service(name: string, selector: Record<string, string>, namespace = 'default'): LeanService {
  return { namespace, name, selector };
}
