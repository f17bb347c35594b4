// What every board must show, from the API server's own answer (`kubectl get ... -o json`), and
// the comparison with what a board shows. The oracle is written from the Kubernetes objects
// alone, not from bridge/view, so a wrong idea in the view cannot hide here: each shown pod in
// its node's lane (an unscheduled one in no node's lane), in its state, in one group per
// workload revision (the new revision of a template change tinted and flagged, nothing else),
// one rollout record per workload mid-rollout, and node lanes healthy only when the node is
// there, Ready and schedulable.
import { HEALTH, POD_STATE } from '../../protocol/index.ts';

export const STATE_NAME = Object.fromEntries(Object.entries(POD_STATE).map(([k, v]) => [v, k.toLowerCase()])) as Record<number, string>;

export interface TruthPod {
  name: string;
  node: string | undefined;
  state: number;
  /** Workload kind/namespace/name, or bare@color for a pod without a controller. */
  workload: string;
  revision: string;
  /** The workload's newest revision while older pods of it still exist: a rollout. */
  rollingNew: boolean;
  color: string | undefined;
}

export interface TruthNode {
  name: string;
  ready: boolean;
  cordoned: boolean;
}

export interface Truth {
  pods: TruthPod[];
  nodes: Map<string, TruthNode>;
  /** Workloads mid-rollout, with their desired replicas. */
  rollouts: Map<string, { desired: number }>;
}

const shown = (labels: Record<string, string> = {}): boolean => labels.blinkt === 'show' || labels['podlights.io/show'] === 'true';

function labelColor(labels: Record<string, string> = {}): string | undefined {
  const c = labels['podlights.io/color'] ?? labels.blinktColor;
  return c && /^[0-9a-fA-F]{6}$/.test(c) ? c.toLowerCase() : undefined;
}

function podState(p: any): number {
  const status = p.status ?? {};
  if (p.metadata.deletionTimestamp) return POD_STATE.TERMINATING;
  if (status.phase === 'Succeeded') return POD_STATE.SUCCEEDED;
  if (status.phase === 'Failed') return POD_STATE.FAILED;
  const waiting = (status.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).filter(Boolean);
  if (waiting.includes('CrashLoopBackOff')) return POD_STATE.CRASH_LOOP;
  if (waiting.some((r: string) => /ImagePull|ErrImage|InvalidImageName|CreateContainer|RunContainerError/.test(r))) return POD_STATE.FAILED;
  const cond = (type: string) => (status.conditions ?? []).find((c: any) => c.type === type)?.status === 'True';
  if (status.phase === 'Pending' || !status.phase) return p.spec.nodeName ? POD_STATE.CREATING : POD_STATE.PENDING;
  if (status.phase === 'Running') return cond('Ready') ? POD_STATE.RUNNING : POD_STATE.NOT_READY;
  return POD_STATE.UNKNOWN;
}

const key = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const owner = (o: any) => (o.metadata.ownerReferences ?? []).find((r: any) => r.controller);

/** One `kubectl get` of everything the oracle needs, so the picture is a single moment. */
export const TRUTH_RESOURCES = 'pods,nodes,replicasets.apps,controllerrevisions.apps,deployments.apps,statefulsets.apps,daemonsets.apps';

export function truthFrom(list: { items: any[] }): Truth {
  const items = list.items;
  const byKind = (kind: string) => items.filter((o) => o.kind === kind);
  const byKey = new Map(items.map((o) => [key(o), o]));
  // Newest revision of each workload.
  const newest = new Map<string, string>();
  for (const rs of byKind('ReplicaSet')) {
    const o = owner(rs);
    if (o?.kind !== 'Deployment') continue;
    const k = `Deployment/${rs.metadata.namespace}/${o.name}`;
    const rev = rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '0';
    if (!newest.has(k) || Number(rev) > Number(newest.get(k))) newest.set(k, rev);
  }
  for (const sts of byKind('StatefulSet')) {
    // Its pods' controller-revision-hash is the whole ControllerRevision name, as updateRevision.
    if (sts.status?.updateRevision) newest.set(key(sts), sts.status.updateRevision);
  }
  const dsRevision = new Map<string, number>();
  for (const cr of byKind('ControllerRevision')) {
    const o = owner(cr);
    if (o?.kind !== 'DaemonSet') continue;
    const k = `DaemonSet/${cr.metadata.namespace}/${o.name}`;
    if ((dsRevision.get(k) ?? -1) < Number(cr.revision)) {
      dsRevision.set(k, Number(cr.revision));
      // A DaemonSet's pods carry the hash alone (the ControllerRevision is `<name>-<hash>`).
      newest.set(k, cr.metadata.labels?.['controller-revision-hash'] ?? cr.metadata.name.slice(o.name.length + 1));
    }
  }

  const pods: TruthPod[] = [];
  for (const p of byKind('Pod')) {
    if (!shown(p.metadata.labels)) continue;
    const o = owner(p);
    let workload: string;
    let revision = '';
    if (o?.kind === 'ReplicaSet') {
      const rs = byKey.get(`ReplicaSet/${p.metadata.namespace}/${o.name}`);
      const d = rs && owner(rs);
      workload = d?.kind === 'Deployment' ? `Deployment/${p.metadata.namespace}/${d.name}` : `ReplicaSet/${p.metadata.namespace}/${o.name}`;
      revision = rs?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? p.metadata.labels?.['pod-template-hash'] ?? '';
    } else if (o) {
      workload = `${o.kind}/${p.metadata.namespace}/${o.name}`;
      revision = p.metadata.labels?.['controller-revision-hash'] ?? '';
    } else {
      workload = `bare@${labelColor(p.metadata.labels) ?? p.metadata.namespace}`;
    }
    pods.push({ name: `${p.metadata.namespace}/${p.metadata.name}`, node: p.spec.nodeName || undefined, state: podState(p), workload, revision, rollingNew: false, color: labelColor(p.metadata.labels) });
  }
  const rollouts = new Map<string, { desired: number }>();
  for (const pod of pods) {
    const n = newest.get(pod.workload);
    if (n === undefined || pod.revision === n) continue;
    const w = byKey.get(pod.workload);
    rollouts.set(pod.workload, { desired: w?.spec?.replicas ?? w?.status?.desiredNumberScheduled ?? 0 });
  }
  for (const pod of pods) pod.rollingNew = rollouts.has(pod.workload) && pod.revision === newest.get(pod.workload);

  const nodes = new Map<string, TruthNode>();
  for (const n of byKind('Node')) {
    const ready = (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
    nodes.set(n.metadata.name, { name: n.metadata.name, ready, cordoned: n.spec?.unschedulable === true });
  }
  return { pods, nodes, rollouts };
}

/** A board as the tests read it: the firmware's model, with lane labels and group flags from the same frames. */
export interface BoardReading {
  lanes: Map<number, { label: string; health: number }>;
  pods: { handle: number; lane: number; group: number; state: number }[];
  groups: Map<number, { color: string; newRevision: boolean; idle?: boolean }>;
  rollouts: { group: number; desired: number }[];
}

function laneNode(label: string): string {
  return label.split(' ')[0];
}

/** Differences between a board and the truth, each a sentence; empty when the board is right. */
export function compare(truth: Truth, board: BoardReading): string[] {
  const problems: string[] = [];
  const knownNodes = new Set([...truth.nodes.keys(), ...truth.pods.map((p) => p.node).filter((n): n is string => n !== undefined)]);
  const laneName = (id: number): string => {
    const lane = board.lanes.get(id);
    if (!lane) return `lane#${id}?`;
    const node = laneNode(lane.label);
    return knownNodes.has(node) ? node : '(no node)';
  };

  // Pods, by group: a group on the board is a set of pods (lane, state) with a color; so is a
  // workload revision in the truth. Compared as multisets, since handles are the bridge's own.
  const sig = (entries: string[], extra: string) => `${extra} {${entries.sort().join(', ')}}`;
  const boardGroups = new Map<number, string[]>();
  for (const p of board.pods) boardGroups.set(p.group, [...(boardGroups.get(p.group) ?? []), `${laneName(p.lane)}:${STATE_NAME[p.state]}`]);
  const truthGroups = new Map<string, { entries: string[]; pod: TruthPod }>();
  for (const p of truth.pods) {
    const k = `${p.workload}@${p.revision}`;
    const g = truthGroups.get(k) ?? { entries: [], pod: p };
    g.entries.push(`${p.node ?? '(no node)'}:${STATE_NAME[p.state]}`);
    truthGroups.set(k, g);
  }
  const boardSigs = [...boardGroups].map(([id, entries]) => {
    const g = board.groups.get(id);
    const tint = g?.newRevision ? 'new-revision' : 'plain';
    return sig(entries, tint);
  });
  const truthSigs = [...truthGroups.values()].map(({ entries, pod }) => sig(entries, pod.rollingNew ? 'new-revision' : 'plain'));
  const missing = [...truthSigs];
  const extra: string[] = [];
  for (const s of boardSigs) {
    const i = missing.indexOf(s);
    if (i >= 0) missing.splice(i, 1);
    else extra.push(s);
  }
  if (missing.length || extra.length) problems.push(`pods by group differ: truth has ${missing.join(' ; ') || 'nothing more'}; board has ${extra.join(' ; ') || 'nothing more'}`);

  // The seed's color, untinted, on groups that are no new revision.
  for (const [id] of boardGroups) {
    const g = board.groups.get(id);
    if (!g || g.newRevision) continue;
    const colors = new Set(truth.pods.filter((p) => p.color).map((p) => p.color));
    if (colors.size > 0 && !colors.has(g.color) && [...truthGroups.values()].every((t) => t.pod.color !== undefined)) problems.push(`group ${id} is ${g.color}, no labelled color (${[...colors].join(', ')})`);
  }

  // Rollouts: one record per workload mid-rollout, pointing at a new-revision group.
  const wantDesired = [...truth.rollouts.values()].map((r) => r.desired).sort();
  const haveDesired = board.rollouts.map((r) => r.desired).sort();
  if (wantDesired.join() !== haveDesired.join()) problems.push(`rollout records: truth ${truth.rollouts.size} (desired ${wantDesired.join('/') || '-'}: ${[...truth.rollouts.keys()].join(', ') || 'none'}), board ${board.rollouts.length} (desired ${haveDesired.join('/') || '-'})`);
  for (const r of board.rollouts) if (!board.groups.get(r.group)?.newRevision) problems.push(`rollout record points at group ${r.group}, not a new-revision group`);

  // Node lanes: one per node (even empty ones), healthy only when the node is Ready and schedulable.
  const laneByNode = new Map<string, { label: string; health: number }>();
  for (const lane of board.lanes.values()) if (knownNodes.has(laneNode(lane.label))) laneByNode.set(laneNode(lane.label), lane);
  for (const node of truth.nodes.values()) {
    const lane = laneByNode.get(node.name);
    if (!lane) {
      problems.push(`node ${node.name} has no lane`);
      continue;
    }
    if (!node.ready && lane.health === HEALTH.HEALTHY) problems.push(`node ${node.name} is NotReady but its lane is healthy`);
    if (node.ready && !node.cordoned && lane.health !== HEALTH.HEALTHY) problems.push(`node ${node.name} is Ready but its lane shows health ${lane.health}`);
    if (node.ready && node.cordoned && lane.health === HEALTH.HEALTHY && !/cordon|unschedulable/i.test(lane.label)) problems.push(`node ${node.name} is cordoned but its lane looks like any healthy node's ("${lane.label}")`);
  }
  for (const [name, lane] of laneByNode) {
    if (truth.nodes.has(name)) continue;
    const stuck = truth.pods.filter((p) => p.node === name).length;
    if (stuck === 0) problems.push(`lane of deleted node ${name} remains with no pod on it`);
    else if (lane.health === HEALTH.HEALTHY) problems.push(`node ${name} is deleted with ${stuck} pod(s) still bound to it, but its lane is healthy`);
  }
  return problems;
}
