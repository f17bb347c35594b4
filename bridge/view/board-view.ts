// One board's view of the clusters: which pods it shows, in which lanes, with which colors, and
// which rollouts and cluster health it reports, as a DisplayState for the link. The ids it hands
// out (pod handles, groups, lanes, rollouts) are stable while their subject lives.
import { GROUP_FLAG, HEALTH, LAYOUT } from '../../protocol/index.ts';
import type { ClusterState, LeanPod } from '../kube/lean.ts';
import { emptyDisplayState } from '../link/display-state.ts';
import type { DisplayState } from '../link/display-state.ts';
import { confusableState, hexColor, idleTint, labelColor, newRevisionTint, paletteColor } from './colors.ts';
import type { Rgb } from './colors.ts';
import { IdPool } from './id-pool.ts';
import { LANE_KIND_OF, laneLabel, planLanes } from './lanes.ts';
import type { LaneSplit } from './lanes.ts';
import { podState } from './pod-state.ts';
import { Selection } from './selection.ts';
import type { SelectionConfig } from './selection.ts';
import { idleWorkloads } from './traffic.ts';
import { newestReplicaSets, podWorkload, rolloutInProgress } from './workloads.ts';
import type { PodWorkload } from './workloads.ts';
import type { LeanWorkload } from '../kube/lean.ts';
import { workloadKey } from '../kube/lean.ts';

export interface BoardViewConfig extends SelectionConfig {
  boardId: string;
  ledCount: number;
  lanes: LaneSplit;
  layout: 'compact' | 'grouped' | 'stable';
  brightness: number;
  currentCap?: number;
  fps?: number;
  heartbeatTimeoutMs?: number;
}

const colorKey = (c: Rgb): string => ((c.r << 16) | (c.g << 8) | c.b).toString(16).padStart(6, '0');

const LAYOUT_OF = { compact: LAYOUT.COMPACT, grouped: LAYOUT.GROUPED, stable: LAYOUT.STABLE };
const HEALTH_OF = { healthy: HEALTH.HEALTHY, degraded: HEALTH.DEGRADED, unreachable: HEALTH.UNREACHABLE };

interface Shown {
  cluster: ClusterState;
  pod: LeanPod;
  laneKey: string;
  groupKey: string;
  workloadKey: string;
  isNew: boolean;
  handleKey: string;
  state: number;
  derived: Derived;
}

/** What a pod object alone decides; kept per object (the reflector replaces objects that change). */
interface Derived {
  cluster: string;
  shows: boolean;
  handleKey: string;
  state: number;
  /** Undefined when it depends on more than the pod (an unscheduled pod in node lanes). */
  laneKey: string | undefined;
  workload?: { rsKey: string | undefined; rs: unknown; result: PodWorkload; newestKey: string | undefined };
  groupKey?: string;
  /** Its handle as of the last computation (the view hands out handles only there). */
  handle: number | undefined;
}

/** The lane of pods no node was chosen for (sorts after every node name). */
const UNSCHEDULED = '~unscheduled';

interface WorkloadSeen {
  cluster: ClusterState;
  /** Pods on another revision than the newest: a rollout is under way while there are any. */
  oldPods: number;
  /** Pods on the newest revision (not terminating), and how many of them are ready. */
  newPods: number;
  newReady: number;
  laneKey: string;
  newGroupKey: string;
}

/**
 * A node lane's health: the cluster's, unless the node is NotReady or gone while pods still name
 * it (unreachable), or cordoned (degraded: it takes no new pods).
 */
function nodeHealth(cluster: ClusterState, name: string, clusterHealth: number): number {
  if (clusterHealth !== HEALTH.HEALTHY) return clusterHealth;
  const node = cluster.nodes.get(name);
  if (node === undefined) return cluster.nodes.size > 0 ? HEALTH.UNREACHABLE : clusterHealth;
  if (!node.ready) return HEALTH.UNREACHABLE;
  return node.unschedulable ? HEALTH.DEGRADED : HEALTH.HEALTHY;
}

/** A group's color and flags: the new side of a rollout tinted, a workload waiting without traffic dimmed. */
function groupLook(base: Rgb, o: { rolling: boolean; waiting: boolean }): Rgb & { flags: number } {
  const tinted = o.rolling ? newRevisionTint(base) : base;
  return { ...(o.waiting ? idleTint(tinted) : tinted), flags: (o.rolling ? GROUP_FLAG.NEW_REVISION : 0) | (o.waiting ? GROUP_FLAG.IDLE : 0) };
}

const byAge = (a: LeanPod, b: LeanPod): number => a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class BoardView {
  private readonly selection: Selection;
  private readonly handles = new IdPool(65535);
  private readonly groups = new IdPool(255);
  private readonly lanes = new IdPool(255);
  private readonly rollouts = new IdPool(255);

  /** By pod uid; an entry is valid while it belongs to the same pod object (see derived()). */
  private last: DisplayState | undefined;
  private derivedCache = new Map<string, Derived & { pod: LeanPod; seen: number }>();
  /** `last` is the view's own copy of the last computed state, patched in place. */
  private patching = false;
  private generation = 0;

  constructor(readonly config: BoardViewConfig) {
    this.selection = new Selection(config);
  }

  private derived(cluster: ClusterState, pod: LeanPod): Derived {
    let d = this.derivedCache.get(pod.uid);
    if (d === undefined || d.pod !== pod || d.cluster !== cluster.name) {
      const split = this.config.lanes;
      // An update rarely moves a pod: then its lane key (a string per event otherwise) stays.
      const same = d !== undefined && d.cluster === cluster.name && d.pod.nodeName === pod.nodeName && d.pod.namespace === pod.namespace;
      const laneKey = split === 'workload' ? undefined : same ? d!.laneKey : this.laneKey(cluster, pod, '');
      if (d !== undefined && d.cluster === cluster.name) {
        // The same pod in a new object: updated in place (no allocation per event); what
        // depended on the old object is forgotten (patchPods keeps it when it still holds).
        // Label sets are shared between pod objects (kube/pod-decoder.ts), so the same set on the
        // same node and namespace is the same answer: no selector run per status change.
        const shows = same && d.pod.labels === pod.labels ? d.shows : this.selection.shows(pod);
        d.pod = pod;
        d.shows = shows;
        d.state = podState(pod);
        d.laneKey = laneKey;
        d.workload = undefined;
        d.groupKey = undefined;
      } else {
        d = { pod, seen: 0, cluster: cluster.name, shows: this.selection.shows(pod), handleKey: `${cluster.name}/${pod.uid}`, state: podState(pod), laneKey, handle: undefined };
        this.derivedCache.set(pod.uid, d);
      }
    }
    d.seen = this.generation;
    return d;
  }

  /** podWorkload, remembered per pod object while its ReplicaSet object stays the same. */
  private workloadOf(cluster: ClusterState, pod: LeanPod, d: Derived, newest: Map<string, LeanWorkload>): PodWorkload {
    const w = d.workload;
    if (w !== undefined && (w.rsKey === undefined || cluster.workloads.get(w.rsKey) === w.rs)) {
      if (w.newestKey === undefined) return w.result;
      return { ...w.result, currentRevision: newest.get(w.newestKey)?.revision };
    }
    const result = podWorkload(cluster, pod, newest);
    d.groupKey = undefined; // it names the workload
    const rsKey = pod.owner?.kind === 'ReplicaSet' ? workloadKey('ReplicaSet', pod.namespace, pod.owner.name) : undefined;
    const newestKey = rsKey !== undefined && result.key.startsWith('Deployment/') ? result.key : undefined;
    d.workload = { rsKey, rs: rsKey ? cluster.workloads.get(rsKey) : undefined, result, newestKey };
    return result;
  }

  /** Label colors that look like a state color, not yet taken by takeColorWarnings(). */
  private colorWarnings: string[] = [];
  private readonly colorsSeen = new Set<string>();

  /**
   * A workload's label color that an LED shows like a state (`blinktColor: ff0000` is crash
   * red): said once per workload and color, so the person who chose it learns why the strip
   * looks alarming.
   */
  private noteLabelColor(workload: string, color: Rgb): void {
    const key = `${workload}=${hexColor(color)}`;
    if (this.colorsSeen.has(key) || this.colorsSeen.size >= 1024) return;
    this.colorsSeen.add(key);
    const state = confusableState(color);
    if (state) this.colorWarnings.push(`${workload}: label color ${hexColor(color)} looks like ${state.name} on an LED, which means ${state.meaning}: choose another color`);
  }

  /** Warnings about label colors found since the last call. */
  takeColorWarnings(): string[] {
    const out = this.colorWarnings;
    this.colorWarnings = [];
    return out;
  }

  /** Ids that could not be given out (more than 255 groups, ...); shown in the bridge's health. */
  exhausted(): number {
    return this.handles.exhausted + this.groups.exhausted + this.lanes.exhausted + this.rollouts.exhausted;
  }

  private laneKey(cluster: ClusterState, pod: LeanPod, workload: string): string {
    switch (this.config.lanes) {
      case 'cluster':
        return cluster.name;
      case 'node':
        // A pod no node was chosen for waits in a lane of its own: it must not borrow a node's
        // lane and then leave it (a red flash) when the scheduler binds it elsewhere.
        return `${cluster.name}/${pod.nodeName ?? UNSCHEDULED}`;
      case 'namespace':
        return `${cluster.name}/${pod.namespace}`;
      case 'workload':
        return `${cluster.name}/${workload}`;
      default:
        return '*';
    }
  }

  /** Lanes in display order, including empty clusters and nodes so the layout stays put. */
  private laneList(clusters: ClusterState[], shown: Shown[]): { key: string; label: string; cluster?: ClusterState; node?: string }[] {
    const split = this.config.lanes;
    if (split === 'none') return [{ key: '*', label: clusters.map((c) => c.name).join('+') }];
    if (split === 'cluster') return clusters.map((c) => ({ key: c.name, label: c.name, cluster: c }));
    if (split === 'node') {
      return clusters.flatMap((c) => {
        // Known nodes (even empty ones, so the layout stays put) plus any node a shown pod names
        // that the node watch has not delivered (yet): a pod is never dropped for want of a lane.
        const names = new Set([...c.nodes.keys()].filter((n) => this.selection.includesNode(n)));
        for (const s of shown) if (s.cluster === c) names.add(s.laneKey.slice(c.name.length + 1));
        return [...names].sort().map((name) => {
          const n = c.nodes.get(name);
          if (name === UNSCHEDULED) return { key: `${c.name}/${name}`, label: 'unscheduled', cluster: c };
          return { key: `${c.name}/${name}`, label: (n ? `${name} ${n.arch}` : name).slice(0, 40), cluster: c, node: name };
        });
      });
    }
    const byKey = new Map<string, ClusterState>();
    for (const s of shown) if (!byKey.has(s.laneKey)) byKey.set(s.laneKey, s.cluster);
    return [...byKey.keys()].sort().map((key) => ({ key, label: laneLabel(key.split('/').slice(1).join('/')), cluster: byKey.get(key) }));
  }

  compute(all: ClusterState[]): DisplayState {
    const state = emptyDisplayState();
    const c = this.config;
    state.config = { brightness: c.brightness, layout: LAYOUT_OF[c.layout], currentCap: c.currentCap ?? 0, fps: c.fps ?? 0 };
    state.heartbeatTimeoutMs = c.heartbeatTimeoutMs ?? 15_000;
    const clusters = all.filter((cl) => this.selection.includesCluster(cl.name));

    this.generation++;
    const shown: Shown[] = [];
    const workloadsSeen = new Map<string, WorkloadSeen>();
    for (const cluster of clusters) {
      const newest = newestReplicaSets(cluster);
      const pods = [...cluster.pods.values()].filter((p) => this.derived(cluster, p).shows).sort(byAge);
      // A DaemonSet's newest revision is not in its status: it is the revision of its youngest
      // pod (pods are sorted by age, so the last one seen wins).
      const daemonRevision = new Map<string, string>();
      for (const pod of pods) if (pod.owner?.kind === 'DaemonSet' && pod.revision !== undefined && !pod.deleting) daemonRevision.set(pod.owner.name, pod.revision);
      for (const pod of pods) {
        const d = this.derived(cluster, pod);
        let pw = this.workloadOf(cluster, pod, d, newest);
        if (pod.owner?.kind === 'DaemonSet' && pw.currentRevision === undefined) pw = { ...pw, currentRevision: daemonRevision.get(pod.owner.name) };
        const isNew = pw.currentRevision !== undefined && pod.revision === pw.currentRevision;
        const laneKey = d.laneKey ?? this.laneKey(cluster, pod, pw.key);
        // A pod without a controller has no workload to share a group with: pods of one color
        // share one, so a hundred bare pods do not use up a hundred of the 256 groups.
        d.groupKey ??= pod.owner
          ? `${cluster.name}/${pw.key}@${pod.revision ?? ''}`
          : `${cluster.name}/bare@${colorKey(labelColor(pod.labels) ?? paletteColor(pod.namespace))}`;
        const groupKey = d.groupKey;
        shown.push({ cluster, pod, laneKey, groupKey, workloadKey: pw.key, isNew, handleKey: d.handleKey, state: d.state, derived: d });
        if (pw.workload && pw.workload.kind !== 'ReplicaSet') {
          const key = `${cluster.name}/${pw.key}`;
          const entry = workloadsSeen.get(key) ?? { cluster, oldPods: 0, newPods: 0, newReady: 0, laneKey, newGroupKey: `${cluster.name}/${pw.key}@${pw.currentRevision ?? ''}` };
          if (!isNew && pw.currentRevision !== undefined) entry.oldPods++;
          if (isNew && !pod.deleting) {
            entry.newPods++;
            if (pod.ready) entry.newReady++;
          }
          workloadsSeen.set(key, entry);
        }
      }
    }

    for (const [uid, d] of this.derivedCache) if (d.seen !== this.generation) this.derivedCache.delete(uid);

    // Lanes.
    const lanes = this.laneList(clusters, shown);
    this.lanes.retain(new Set(lanes.map((l) => l.key)));
    const laneIds = new Map<string, number>();
    for (const plan of planLanes(lanes, c.ledCount)) {
      const id = this.lanes.get(plan.key);
      if (id === undefined) continue;
      laneIds.set(plan.key, id);
      state.lanes[id] = { first: plan.first, count: plan.count, kind: LANE_KIND_OF[c.lanes], label: plan.label };
      const lane = lanes.find((l) => l.key === plan.key)!;
      const clusterHealth = lane.cluster ? HEALTH_OF[lane.cluster.health] : HEALTH.HEALTHY;
      state.clusters[id] = lane.node && lane.cluster ? nodeHealth(lane.cluster, lane.node, clusterHealth) : clusterHealth;
    }

    // Groups: one per workload revision; the new side of a rollout is tinted.
    const activeRollouts = new Set<string>();
    for (const [key, w] of workloadsSeen) {
      const workload = w.cluster.workloads.get(key.slice(w.cluster.name.length + 1));
      if (workload && rolloutInProgress(w.oldPods)) activeRollouts.add(key);
    }
    // Groups of a workload a Service passes over are dimmed: the lit side is the served one.
    const idle = new Map<ClusterState, Set<string>>();
    for (const cluster of clusters) idle.set(cluster, idleWorkloads(cluster));
    const liveGroups = new Set(shown.map((s) => s.groupKey));
    for (const key of activeRollouts) liveGroups.add(workloadsSeen.get(key)!.newGroupKey);
    this.groups.retain(liveGroups);
    const groupIds = new Map<string, number>();
    for (const s of shown) {
      if (groupIds.has(s.groupKey)) continue;
      // The palette color depends on what a person sees (namespace and workload), never on the
      // kubeconfig's context name: two laptops watching one cluster agree on its colors.
      const labelled = labelColor(s.pod.labels);
      const base = labelled ?? paletteColor(s.pod.owner ? s.workloadKey : s.pod.namespace);
      if (labelled) this.noteLabelColor(s.pod.owner ? s.workloadKey : `Pod/${s.pod.namespace}/${s.pod.name}`, labelled);
      const rolling = s.isNew && activeRollouts.has(`${s.cluster.name}/${s.workloadKey}`);
      const { flags, ...color } = groupLook(base, { rolling, waiting: s.pod.owner !== undefined && idle.get(s.cluster)!.has(s.workloadKey) });
      let id = this.groups.get(s.groupKey);
      if (id === undefined) {
        // All 256 groups in use (counted by exhausted()): share one of the same color, or the first.
        const same = Object.entries(state.groups).find(([, g]) => g.r === color.r && g.g === color.g && g.b === color.b && g.flags === flags);
        id = same ? Number(same[0]) : Number(Object.keys(state.groups)[0] ?? 0);
        groupIds.set(s.groupKey, id);
        if (!same && state.groups[id] === undefined) state.groups[id] = { ...color, flags };
        continue;
      }
      groupIds.set(s.groupKey, id);
      state.groups[id] = { ...color, flags };
    }

    // Pods.
    this.handles.retain(new Set(shown.map((s) => s.handleKey)));
    state.podKeys = {};
    for (const s of shown) {
      const lane = laneIds.get(s.laneKey);
      const group = groupIds.get(s.groupKey);
      const handle = this.handles.get(s.handleKey);
      s.derived.handle = handle;
      if (lane === undefined || group === undefined || handle === undefined) continue;
      state.pods[handle] = { lane, group, state: s.state };
      state.podKeys[handle] = s.handleKey;
    }

    // Rollouts in progress.
    this.rollouts.retain(activeRollouts);
    for (const key of activeRollouts) {
      const w = workloadsSeen.get(key)!;
      const workload = w.cluster.workloads.get(key.slice(w.cluster.name.length + 1))!;
      const id = this.rollouts.get(key);
      const lane = laneIds.get(w.laneKey);
      let group = groupIds.get(w.newGroupKey);
      if (group === undefined) {
        group = this.groups.get(w.newGroupKey);
        if (group !== undefined) {
          const wkey = key.slice(w.cluster.name.length + 1);
          state.groups[group] = groupLook(paletteColor(wkey), { rolling: true, waiting: idle.get(w.cluster)!.has(wkey) });
        }
      }
      if (id === undefined || lane === undefined || group === undefined) continue;
      const cap = (n: number) => Math.max(0, Math.min(65535, n));
      // Until the controller has observed the new template its status still describes the old
      // one (6/6/6/6 at the start of a rollout): count the pods instead.
      const fromPods = workload.pending;
      state.rollouts[id] = {
        lane,
        group,
        desired: cap(workload.desired),
        updated: cap(fromPods ? w.newPods : workload.updated),
        ready: cap(fromPods ? w.newReady : workload.ready),
        available: cap(fromPods ? w.newReady : workload.available),
      };
    }
    this.last = state;
    this.patching = false;
    return state;
  }

  /**
   * The fast path for the commonest event, a pod whose status changed in place: patches the last
   * state instead of recomputing the board. Returns undefined when the updates change more than
   * pod states (a pod shown or hidden, moved to another lane or revision): the caller then
   * recomputes. The first patch after a computation copies the pods (a computed state is never
   * changed: the link or a test may hold it); later ones change that copy in place, and say
   * which handles they changed, so neither the view nor the link pays per pod for a change.
   */
  patchPods(changes: { cluster: ClusterState; pods: LeanPod[] }[]): { state: DisplayState; handles: number[] } | undefined {
    if (this.last === undefined) return undefined;
    if (!this.patching) {
      this.last = { ...this.last, pods: { ...this.last.pods } };
      this.patching = true;
    }
    const last = this.last;
    const handles: number[] = [];
    for (const { cluster, pods: changed } of changes) {
      if (!this.selection.includesCluster(cluster.name)) continue;
      for (const pod of changed) {
        const old = this.derivedCache.get(pod.uid);
        if (old === undefined || old.cluster !== cluster.name) {
          if (this.selection.shows(pod)) return undefined;
          continue;
        }
        const was = old.pod;
        const { shows, laneKey, workload, groupKey } = old; // derived() updates the entry in place
        const d = this.derived(cluster, pod);
        if (d.shows !== shows || d.laneKey !== laneKey) return undefined;
        if (!d.shows) continue;
        if (was.revision !== pod.revision || was.owner?.name !== pod.owner?.name) return undefined;
        // Shared label sets: the same set means the same colors, without two lookups per event.
        if (was.labels !== pod.labels && (was.labels['podlights.io/color'] !== pod.labels['podlights.io/color'] || was.labels['blinktColor'] !== pod.labels['blinktColor'])) return undefined;
        d.workload = workload;
        d.groupKey = groupKey;
        const handle = d.handle;
        const entry = handle === undefined ? undefined : last.pods[handle];
        if (handle === undefined || entry === undefined) return undefined;
        if (entry.state === d.state) continue;
        last.pods[handle] = { lane: entry.lane, group: entry.group, state: d.state };
        handles.push(handle);
      }
    }
    return { state: last, handles };
  }

  /** patchPods for callers that want the state only. */
  patch(changes: { cluster: ClusterState; pods: LeanPod[] }[]): DisplayState | undefined {
    return this.patchPods(changes)?.state;
  }
}
