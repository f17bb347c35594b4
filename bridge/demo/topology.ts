// Which virtual boards the demo puts on the table, and how the bridge should configure each:
// one strip per node (its pods), one overview strip per cluster (its pods by workload), and one
// strip with every cluster side by side (the failover story of seed 000).
import type { BoardSettings } from '../config/load.ts';
import { R } from '../sim/resources.ts';
import type { SimCluster } from '../sim/cluster.ts';
import { DEMO_NS } from '../sim/scenarios/helpers.ts';
import type { BoardKind } from '../web/messages.ts';

export const LEDS = { node: 16, cluster: 30, failover: 24 } as const;
/** A brightness that reads well on a screen and does not blind a room on a real strip. */
export const BRIGHTNESS = 160;

export interface DemoBoard {
  id: string;
  kind: BoardKind;
  title: string;
  caption: string;
  clusters: string[];
  node?: string;
  arch?: string;
  settings: BoardSettings;
}

const view = { layout: 'compact' as const, brightness: BRIGHTNESS, showAll: false };

/** The boards for these clusters, in the order the page and the terminal show them. */
export function demoBoards(clusters: SimCluster[]): DemoBoard[] {
  const names = clusters.map((c) => c.name);
  const boards: DemoBoard[] = [];
  if (clusters.length > 1) {
    const id = `gslb-${names.join('-')}`;
    boards.push({
      id,
      kind: 'failover',
      title: `${names.join(' | ')} side by side`,
      caption: `one lane per cluster, namespace ${DEMO_NS}`,
      clusters: names,
      settings: { ...view, id, ledCount: LEDS.failover, lanes: 'cluster', clusters: names, namespaces: [DEMO_NS] },
    });
  }
  for (const c of clusters) {
    const id = `${c.name}-overview`;
    boards.push({
      id,
      kind: 'cluster',
      title: `${c.name} overview`,
      caption: 'all pods, one lane per workload',
      clusters: [c.name],
      settings: { ...view, id, ledCount: LEDS.cluster, lanes: 'workload', clusters: [c.name] },
    });
    const nodes = c.store.list(R.nodes).sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    for (const n of nodes) {
      const node = String(n.metadata.name);
      const arch = n.metadata.labels?.['kubernetes.io/arch'] ?? '?';
      boards.push({
        id: node,
        kind: 'node',
        title: node,
        caption: `pods on ${node}`,
        clusters: [c.name],
        node,
        arch,
        settings: { ...view, id: node, ledCount: LEDS.node, lanes: 'node', clusters: [c.name], nodes: [node] },
      });
    }
  }
  return boards;
}
