// Which workloads wait without traffic: a Service that selects the pods of one workload while it
// passes over another of the same app (blue-green: `app=shop, version=blue` serves, the green
// Deployment beside it waits). A selector flip changes no pod, so without this nothing on a strip
// would show the switch; the view dims the waiting side (GROUP_FLAG.IDLE).
//
// Passed over means a variant of what the Service selects: the same app, every key of the
// selector in its pod template, and another value of one that names a version, color, track or
// slot, not a role: a chart's worker (`component: worker` beside the Service's
// `component: server`) or a job without the `version` key never gets traffic and is not waiting
// for any. A canary shares its Service with the stable revision (the selector leaves out the
// track), so both are selected and neither waits. A workload some other Service selects (a
// "preview" Service of a blue-green pair) gets traffic too, so it is not idle.
import type { ClusterState, LeanWorkload } from '../kube/lean.ts';
import { workloadKey } from '../kube/lean.ts';

/** The app a workload's pods belong to, by the recommended label or the common short one. */
function appOf(w: LeanWorkload): string | undefined {
  return w.templateLabels['app.kubernetes.io/name'] ?? w.templateLabels.app;
}

/** Label keys that name a part of an app, not a version of it: another value is another part. */
const ROLE_KEYS = new Set(['app.kubernetes.io/component', 'component', 'tier', 'role']);

/** `labels` has every key of `selector` and differs from it in one that is not a role. */
function variantOf(selector: Record<string, string>, labels: Record<string, string>): boolean {
  let differs = false;
  for (const k in selector) {
    const v = labels[k];
    if (v === undefined) return false;
    if (v !== selector[k]) {
      if (ROLE_KEYS.has(k)) return false;
      differs = true;
    }
  }
  return differs;
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  let any = false;
  for (const k in selector) {
    if (labels[k] !== selector[k]) return false;
    any = true;
  }
  return any;
}

export interface TrafficSides {
  /** Workloads a Service passes over and none selects: the waiting side. */
  idle: Set<string>;
  /** Workloads a Service selects while it passes over another version: the serving side. */
  serving: Set<string>;
}

/** Both sides of every switch in the cluster, by workload key (Deployment/ns/name, ...). */
export function trafficSides(cluster: Pick<ClusterState, 'services' | 'workloads'>): TrafficSides {
  const out: TrafficSides = { idle: new Set(), serving: new Set() };
  const services = cluster.services;
  if (services === undefined || services.size === 0) return out;
  // Only the namespaces that have a Service with a selector are looked at, and only their
  // controllers (a ReplicaSet's template is its Deployment's).
  const byNamespace = new Map<string, LeanWorkload[]>();
  for (const s of services.values()) if (Object.keys(s.selector).length > 0) byNamespace.set(s.namespace, []);
  if (byNamespace.size === 0) return out;
  for (const w of cluster.workloads.values()) {
    if (w.kind === 'ReplicaSet') continue;
    byNamespace.get(w.namespace)?.push(w);
  }
  const selected = new Set<string>();
  const passedOver = new Set<string>();
  for (const s of services.values()) {
    const mine = byNamespace.get(s.namespace);
    if (mine === undefined || mine.length < 2) continue;
    const chosen = mine.filter((w) => selects(s.selector, w.templateLabels));
    if (chosen.length === 0) continue;
    const apps = new Set(chosen.map(appOf).filter((a): a is string => a !== undefined));
    let passed = false;
    for (const w of mine) {
      const app = appOf(w);
      if (chosen.includes(w) || app === undefined || !apps.has(app) || !variantOf(s.selector, w.templateLabels)) continue;
      passedOver.add(workloadKey(w.kind, w.namespace, w.name));
      passed = true;
    }
    for (const w of chosen) {
      const key = workloadKey(w.kind, w.namespace, w.name);
      selected.add(key);
      if (passed) out.serving.add(key);
    }
  }
  for (const key of passedOver) if (!selected.has(key)) out.idle.add(key);
  return out;
}

/** Workload keys that a Service passes over and none selects. */
export function idleWorkloads(cluster: Pick<ClusterState, 'services' | 'workloads'>): Set<string> {
  return trafficSides(cluster).idle;
}
