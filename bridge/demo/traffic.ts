// Which lanes get the traffic, so the page can mark them: a Service selector flipping from blue
// to green changes no pod (Kubernetes really works that way). The strips show it by the bridge
// dimming the waiting side (bridge/view/traffic.ts); the page tags the serving lane by the same
// rule, read from the simulator's objects. A cluster lane of the failover strip is tagged when
// that cluster's workloads carry podlights.io/traffic=active.
import { workloadKey } from '../kube/lean.ts';
import { leanService, leanWorkload } from '../kube/normalize.ts';
import type { SimCluster } from '../sim/cluster.ts';
import { R } from '../sim/resources.ts';
import { trafficSides } from '../view/traffic.ts';
import type { BoardInfo, LaneInfo } from '../web/messages.ts';

const TRAFFIC = 'podlights.io/traffic';

/** Deployments (namespace/name) a Service sends traffic to while it passes over another version. */
function serviceTargets(cluster: SimCluster): Set<string> {
  const workloads = new Map(cluster.store.list(R.deployments).map((d) => {
    const w = leanWorkload('Deployment', d);
    return [workloadKey(w.kind, w.namespace, w.name), w] as const;
  }));
  const services = new Map(cluster.store.list(R.services).map((o) => {
    const svc = leanService(o);
    return [`${svc.namespace}/${svc.name}`, svc] as const;
  }));
  return new Set([...trafficSides({ workloads, services }).serving].map((key) => key.split('/').slice(1).join('/')));
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
