// The object graph a kubectl script leaves behind, reduced to what does not depend on names,
// uids, hashes or timestamps, as `path -> value` lines that two servers can be compared on:
// ReplicaSets and their revision annotations, pod labels, owners, phases, conditions and status
// fields (the ones bridge/view reads among them), StatefulSet/DaemonSet status, node fields.
export type Graph = Map<string, string>;

const keys = (o: unknown): string => (o && typeof o === 'object' ? Object.keys(o).sort().join(',') : '-');
const owner = (o: any) => (o.metadata.ownerReferences ?? []).find((r: any) => r.controller);
const SHOW_LABELS = new Set(['app', 'blinkt', 'blinktColor', 'podlights.io/show', 'podlights.io/color']);

function podShape(p: any): Record<string, string> {
  const s = p.status ?? {};
  const c = (s.containerStatuses ?? [])[0] ?? {};
  return {
    'labels.added': Object.keys(p.metadata.labels ?? {}).filter((k) => !SHOW_LABELS.has(k)).sort().join(','),
    owner: owner(p)?.kind ?? '-',
    'status.keys': keys(s),
    phase: s.phase ?? '-',
    conditions: (s.conditions ?? []).map((x: any) => `${x.type}=${x.status}`).sort().join(','),
    'containerStatuses[0].keys': keys(c),
    'containerStatuses[0].state': keys(c.state),
    'spec.nodeName': p.spec.nodeName ? 'set' : '-',
    'spec.tolerations': (p.spec.tolerations ?? []).map((t: any) => `${t.key}:${t.effect}`).sort().join(','),
  };
}

/** Adds the shape of every pod of `who` (pods share a shape; differing ones are listed). */
function pods(g: Graph, who: string, list: any[]): void {
  g.set(`${who}.pods.count`, String(list.length));
  const shapes = new Map<string, number>();
  for (const p of list) for (const [k, v] of Object.entries(podShape(p))) shapes.set(`${k}=${v}`, (shapes.get(`${k}=${v}`) ?? 0) + 1);
  const fields = new Map<string, string[]>();
  for (const [kv, n] of shapes) {
    const [k, v] = [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)];
    fields.set(k, [...(fields.get(k) ?? []), n === list.length ? v : `${v} (x${n})`]);
  }
  for (const [k, vs] of fields) g.set(`${who}.pod.${k}`, vs.sort().join(' | '));
}

export function graphOf(list: { items: any[] }, names: { deployment: string; statefulSet: string; daemonSet: string; node: string }): Graph {
  const g: Graph = new Map();
  const items = list.items;
  const of = (kind: string) => items.filter((o) => o.kind === kind);
  const ownedBy = (kind: string, name: string) => (o: any) => owner(o)?.kind === kind && owner(o)?.name === name;

  const d = of('Deployment').find((o) => o.metadata.name === names.deployment);
  if (d) {
    g.set('deployment.annotations.revision', d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '-');
    g.set('deployment.status.keys', keys(d.status));
    g.set('deployment.status.conditions', (d.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}/${c.reason}`).sort().join(','));
    for (const f of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas']) g.set(`deployment.status.${f}`, String(d.status?.[f] ?? '-'));
    g.set('deployment.status.observedGeneration', d.status?.observedGeneration === d.metadata.generation ? 'current' : 'stale');
    const rss = of('ReplicaSet').filter(ownedBy('Deployment', names.deployment));
    g.set('deployment.replicasets.count', String(rss.length));
    const rev = (rs: any) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '?';
    g.set('deployment.replicasets.revisions', rss.map(rev).sort().join(','));
    for (const rs of rss) {
      g.set(`deployment.rs[rev ${rev(rs)}].spec.replicas`, String(rs.spec.replicas));
      g.set(`deployment.rs[rev ${rev(rs)}].annotations`, Object.keys(rs.metadata.annotations ?? {}).sort().join(','));
      g.set(`deployment.rs[rev ${rev(rs)}].status.keys`, keys(rs.status));
      g.set(`deployment.rs[rev ${rev(rs)}].name`, rs.metadata.name === `${names.deployment}-${rs.metadata.labels?.['pod-template-hash']}` ? '<deployment>-<pod-template-hash>' : 'other');
    }
    const rsNames = new Set(rss.map((rs) => rs.metadata.name));
    pods(g, 'deployment', of('Pod').filter((p) => owner(p)?.kind === 'ReplicaSet' && rsNames.has(owner(p).name)));
  }
  const sts = of('StatefulSet').find((o) => o.metadata.name === names.statefulSet);
  if (sts) {
    g.set('statefulset.status.keys', keys(sts.status));
    g.set('statefulset.status.currentRevision==updateRevision', String(sts.status?.currentRevision === sts.status?.updateRevision));
    for (const f of ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']) g.set(`statefulset.status.${f}`, String(sts.status?.[f] ?? '-'));
    const ps = of('Pod').filter(ownedBy('StatefulSet', names.statefulSet));
    g.set('statefulset.pod.names', ps.map((p) => p.metadata.name.replace(names.statefulSet, '<sts>')).sort().join(','));
    pods(g, 'statefulset', ps);
  }
  const ds = of('DaemonSet').find((o) => o.metadata.name === names.daemonSet);
  if (ds) {
    g.set('daemonset.status.keys', keys(ds.status));
    for (const f of ['desiredNumberScheduled', 'currentNumberScheduled', 'numberReady', 'updatedNumberScheduled', 'numberAvailable']) g.set(`daemonset.status.${f}`, String(ds.status?.[f] ?? '-'));
    pods(g, 'daemonset', of('Pod').filter(ownedBy('DaemonSet', names.daemonSet)));
  }
  const n = of('Node').find((o) => o.metadata.name === names.node);
  if (n) {
    g.set('node.spec.unschedulable', String(n.spec?.unschedulable ?? false));
    g.set('node.spec.taints', (n.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).sort().join(','));
    g.set('node.status.conditions', (n.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}`).sort().join(','));
    g.set('node.labels', Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('kubernetes.io/') || k.startsWith('node.kubernetes.io/')).sort().join(','));
  }
  return g;
}

/** Every path whose value differs between the two graphs. */
export function diffGraphs(sim: Graph, real: Graph): { path: string; sim: string; real: string }[] {
  const out: { path: string; sim: string; real: string }[] = [];
  for (const path of [...new Set([...sim.keys(), ...real.keys()])].sort()) {
    const a = sim.get(path) ?? '(absent)';
    const b = real.get(path) ?? '(absent)';
    if (a !== b) out.push({ path, sim: a, real: b });
  }
  return out;
}

/** A pod's lifecycle as a watcher sees it, one compact state per distinct step. */
export function podStep(type: string, p: any): string {
  if (type === 'DELETED') return 'gone';
  const s = p.status ?? {};
  const ready = (s.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
  return `${s.phase ?? '-'}${p.spec?.nodeName ? '+node' : ''}${ready ? '+ready' : ''}${p.metadata.deletionTimestamp ? '+deleting' : ''}`;
}
