// The lean shapes bridge/kube keeps of Kubernetes objects: only what the view needs, the same
// whether an object came from a typed list or a raw watch event (no managedFields, no specs).

export interface LeanPod {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName: string | undefined;
  /** status.phase: Pending, Running, Succeeded, Failed, Unknown. */
  phase: string;
  /** The PodScheduled condition is true (or a node is assigned). */
  scheduled: boolean;
  /** The Ready condition is true. */
  ready: boolean;
  /** PodScheduled is False with reason Unschedulable: no node fits it (it waits for the cluster to change). */
  unschedulable: boolean;
  /** Reasons of containers (init containers included) that are waiting: ContainerCreating, CrashLoopBackOff, ... */
  waiting: string[];
  restarts: number;
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
  /** The controller owner (ReplicaSet, StatefulSet, DaemonSet, Job...). */
  owner: { kind: string; name: string } | undefined;
  /** pod-template-hash (ReplicaSet pods) or controller-revision-hash (StatefulSet/DaemonSet pods). */
  revision: string | undefined;
  createdAt: number;
}

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet';

export interface LeanWorkload {
  kind: WorkloadKind;
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Labels of the pod template: a workload labelled for display in its template counts too. */
  templateLabels: Record<string, string>;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /**
   * The current revision's hash: for a ReplicaSet its pod-template-hash; for a StatefulSet
   * status.updateRevision's hash; for a DaemonSet unknown (undefined).
   */
  revision: string | undefined;
  /** ReplicaSet: the deployment.kubernetes.io/revision annotation; others 0. */
  revisionNumber: number;
  /** ReplicaSet: the owning Deployment's name. */
  owner: string | undefined;
  /** metadata.generation > status.observedGeneration: the controller has not caught up yet. */
  pending: boolean;
}

export interface LeanNode {
  name: string;
  arch: string;
  ready: boolean;
  /** spec.unschedulable: cordoned (kubectl cordon / drain). */
  unschedulable: boolean;
  labels: Record<string, string>;
}

/** A Service with a selector: which pods get its traffic (the view marks the ones it passes over). */
export interface LeanService {
  namespace: string;
  name: string;
  /** spec.selector; empty for a Service without one (its endpoints are managed by hand). */
  selector: Record<string, string>;
}

export type ClusterHealth = 'healthy' | 'degraded' | 'unreachable';

/** Everything the bridge knows of one cluster, as the view reads it. */
export interface ClusterState {
  name: string;
  health: ClusterHealth;
  pods: ReadonlyMap<string, LeanPod>;
  workloads: ReadonlyMap<string, LeanWorkload>;
  nodes: ReadonlyMap<string, LeanNode>;
  /** By namespace/name; absent where Services are not watched (or not allowed: RBAC). */
  services?: ReadonlyMap<string, LeanService>;
}

export function workloadKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
