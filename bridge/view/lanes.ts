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

/** Longest lane label sent to a board: LANE frames stay small. */
export const LANE_LABEL_MAX = 40;

/**
 * A lane label of at most LANE_LABEL_MAX characters that keeps the name whole: the leading
 * parts ("Deployment/", then the namespace) go first. Cutting the end instead turned
 * "Deployment/podlights-demo/bluegreen-green" into "...bluegreen-gree" on every display.
 */
export function laneLabel(path: string, max = LANE_LABEL_MAX): string {
  let parts = path.split('/');
  while (parts.join('/').length > max && parts.length > 1) parts = parts.slice(1);
  const label = parts.join('/');
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
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
