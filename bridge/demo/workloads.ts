// The workloads on the demo's stage: a small baseline so the strips are lit from the first
// second, the list of labelled Deployments the page offers to scale, and the scaling itself
// (the same /scale subresource `kubectl scale` uses).
import type { SimCluster } from '../sim/cluster.ts';
import { R } from '../sim/resources.ts';
import { apply, demoDeployment } from '../sim/scenarios/helpers.ts';
import type { WorkloadInfo } from '../web/messages.ts';

/** Namespace of the baseline workloads: scenarios never touch it. */
export const SHOP_NS = 'shop';

/** Colors the scenarios do not use (they use yellow, sky blue and green), each apart from the state colors. */
export const BASELINE = [
  { cluster: 'eu', name: 'web', replicas: 3, color: '9678f0' },
  { cluster: 'eu', name: 'api', replicas: 2, color: 'ff96e1' },
  { cluster: 'us', name: 'web', replicas: 2, color: '9678f0' },
];

/** Creates the baseline workloads in the clusters that exist. */
export function applyBaseline(clusters: SimCluster[]): void {
  for (const b of BASELINE) {
    const cluster = clusters.find((c) => c.name === b.cluster);
    if (!cluster) continue;
    const d = demoDeployment({ name: b.name, replicas: b.replicas, version: 'v1', color: b.color });
    d.metadata.namespace = SHOP_NS;
    apply(cluster, R.deployments, d);
  }
}

/** Deployments whose pods the boards show (seed or podlights labels), sorted. */
export function listWorkloads(clusters: SimCluster[]): WorkloadInfo[] {
  const out: WorkloadInfo[] = [];
  for (const c of clusters) {
    for (const d of c.store.list(R.deployments)) {
      const labels: Record<string, string> = d.spec?.template?.metadata?.labels ?? {};
      if (labels.blinkt !== 'show' && labels['podlights.io/show'] !== 'true') continue;
      out.push({
        cluster: c.name,
        namespace: String(d.metadata.namespace),
        name: String(d.metadata.name),
        color: (labels['podlights.io/color'] ?? labels.blinktColor ?? '').replace(/^#/, '').toLowerCase(),
        version: labels.version ?? '',
        replicas: Number(d.spec?.replicas ?? 1),
        ready: Number(d.status?.readyReplicas ?? 0),
      });
    }
  }
  const key = (w: WorkloadInfo) => `${w.cluster}/${w.namespace === SHOP_NS ? 0 : 1}/${w.namespace}/${w.name}`;
  return out.sort((a, b) => key(a).localeCompare(key(b)));
}

export const MAX_REPLICAS = 12;

/** Scales a Deployment; throws a readable error for a bad request. */
export function scaleWorkload(clusters: SimCluster[], req: { cluster: string; namespace: string; name: string; replicas: number }): void {
  const cluster = clusters.find((c) => c.name === req.cluster);
  if (!cluster) throw new Error(`no cluster '${req.cluster}'`);
  if (!Number.isInteger(req.replicas) || req.replicas < 0 || req.replicas > MAX_REPLICAS) {
    throw new Error(`replicas must be a whole number from 0 to ${MAX_REPLICAS}`);
  }
  if (!cluster.api.tryGet(R.deployments, req.namespace, req.name)) throw new Error(`no deployment ${req.namespace}/${req.name} in ${req.cluster}`);
  cluster.api.patch(R.deployments, req.namespace, req.name, 'merge', { spec: { replicas: req.replicas } }, { subresource: 'scale' });
}
