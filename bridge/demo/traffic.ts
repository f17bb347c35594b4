// Which lanes get the traffic, so the page can mark them: a Service selector flipping from blue
// to green changes no pod (Kubernetes really works that way), and without a mark the switch is
// invisible. A workload lane is marked when a Service selects its pods while it passes over
// another Deployment of the same app (blue-green, not the canary's shared Service); a cluster
// lane of the failover strip when that cluster's workloads carry podlights.io/traffic=active.
import type { SimCluster } from '../sim/cluster.ts';
import { R } from '../sim/resources.ts';
import type { KubeObject } from '../sim/types.ts';
import type { BoardInfo, LaneInfo } from '../web/messages.ts';

const TRAFFIC = 'podlights.io/traffic';

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function templateLabels(d: KubeObject): Record<string, string> | undefined {
  return d.spec?.template?.metadata?.labels;
}

/** Deployments (namespace/name) that a Service picks out from others of the same app. */
function serviceTargets(cluster: SimCluster): Set<string> {
  const out = new Set<string>();
  const deployments = cluster.store.list(R.deployments);
  for (const svc of cluster.store.list(R.services)) {
    const ns = svc.metadata.namespace;
    const selector = svc.spec?.selector as Record<string, string> | undefined;
    const mine = deployments.filter((d) => d.metadata.namespace === ns);
    const chosen = mine.filter((d) => selects(selector, templateLabels(d)));
    const passedOver = mine.some((d) => !chosen.includes(d) && chosen.some((c) => templateLabels(c)?.app !== undefined && templateLabels(c)?.app === templateLabels(d)?.app));
    if (passedOver) for (const d of chosen) out.add(`${ns}/${d.metadata.name}`);
  }
  return out;
}

/** The lanes of `board` with `traffic` set where the traffic goes. */
export function markTraffic(clusters: SimCluster[], board: Pick<BoardInfo, 'kind' | 'clusters'>, lanes: LaneInfo[]): LaneInfo[] {
  if (board.kind === 'failover') {
    return lanes.map((l) => {
      const c = clusters.find((x) => x.name === l.label);
      const active = c ? c.store.list(R.deployments).some((d) => d.metadata.annotations?.[TRAFFIC] === 'active') : false;
      return active ? { ...l, traffic: true } : l;
    });
  }
  if (board.kind !== 'cluster') return lanes;
  const cluster = clusters.find((x) => x.name === board.clusters[0]);
  if (!cluster) return lanes;
  const targets = serviceTargets(cluster);
  if (targets.size === 0) return lanes;
  return lanes.map((l) => {
    const parts = l.label.split('/');
    return parts.length >= 2 && targets.has(parts.slice(-2).join('/')) ? { ...l, traffic: true } : l;
  });
}
