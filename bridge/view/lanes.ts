// How a board's strip is split into lanes: one per cluster, node, namespace or workload (or one
// for everything), in a stable order, the LEDs shared out evenly.
import { LANE_KIND } from '../../protocol/index.ts';

export type LaneSplit = 'cluster' | 'node' | 'namespace' | 'workload' | 'none';

export const LANE_KIND_OF: Record<LaneSplit, number> = {
  cluster: LANE_KIND.CLUSTER,
  node: LANE_KIND.NODE,
  namespace: LANE_KIND.NAMESPACE,
  workload: LANE_KIND.WORKLOAD,
  none: LANE_KIND.CLUSTER,
};

export interface LanePlan {
  key: string;
  label: string;
  first: number;
  count: number;
}

/** Shares `ledCount` LEDs among lanes in order; the first lanes take the remainder. */
export function planLanes(lanes: { key: string; label: string }[], ledCount: number): LanePlan[] {
  const used = lanes.slice(0, Math.min(lanes.length, ledCount, 255));
  const base = used.length === 0 ? 0 : Math.floor(ledCount / used.length);
  let extra = used.length === 0 ? 0 : ledCount - base * used.length;
  let first = 0;
  return used.map((lane) => {
    const count = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    const plan = { ...lane, first, count };
    first += count;
    return plan;
  });
}
