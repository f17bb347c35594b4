// What one board should show, as plain data: the contract between bridge/view (which computes
// it from the cluster) and bridge/link (which turns changes of it into protocol messages). The
// link keeps the last state a board acknowledged implicitly by receiving it and diffs against
// it, so under an event storm only the latest state of each pod crosses the wire.

export interface LaneState {
  first: number;
  count: number;
  kind: number;
  label: string;
}

export interface GroupState {
  r: number;
  g: number;
  b: number;
  flags: number;
}

export interface PodDisplay {
  lane: number;
  group: number;
  state: number;
}

export interface RolloutState {
  lane: number;
  group: number;
  desired: number;
  updated: number;
  ready: number;
  available: number;
}

export interface BoardConfigState {
  brightness: number;
  layout: number;
  currentCap: number;
  fps: number;
}

export interface DisplayState {
  config: BoardConfigState;
  /** Keyed by lane id, group id, pod handle, rollout id. */
  lanes: Record<number, LaneState>;
  groups: Record<number, GroupState>;
  pods: Record<number, PodDisplay>;
  rollouts: Record<number, RolloutState>;
  /** Cluster health by lane id. */
  clusters: Record<number, number>;
  /** The board shows the link as stale after this long without frames. */
  heartbeatTimeoutMs: number;
  /**
   * Who each pod handle stands for (the view's key of the pod), when the view says: a handle
   * that keeps its pod but changes lane or group (a pod the scheduler just bound) is replaced
   * with POD_ADD, while a handle given to another pod is deleted first (the old pod's exit).
   */
  podKeys?: Record<number, string>;
}

export function emptyDisplayState(): DisplayState {
  return {
    config: { brightness: 128, layout: 0, currentCap: 0, fps: 0 },
    lanes: {},
    groups: {},
    pods: {},
    rollouts: {},
    clusters: {},
    heartbeatTimeoutMs: 15_000,
  };
}

/**
 * A deep copy. The view hands the link a fresh state each time and never touches it again (the
 * contract of BoardSession.setDesired), so the link keeps references; this is for callers that
 * want to change a state they passed on.
 */
export function cloneDisplayState(s: DisplayState): DisplayState {
  return structuredClone(s);
}
