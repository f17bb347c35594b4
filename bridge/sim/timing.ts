// How long things take in the simulated cluster, in simulated milliseconds (the clock's speed
// maps them to real time). Stages follow kwok's idea: each pod moves Pending -> ContainerCreating
// -> Running -> Ready after fixed delays, overridable per pod by annotations.

export interface Timing {
  /** From creation until the scheduler binds the pod. */
  scheduleMs: number;
  /** ContainerCreating: image pull and container start. */
  startMs: number;
  /** Running but not yet Ready (readiness probe). */
  readyMs: number;
  /** How long containers take to stop after SIGTERM (capped by the grace period). */
  terminateMs: number;
  /** Crash loop back-off: first delay and cap (the kubelet uses 10 s and 5 min). */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A node whose kubelet went silent is marked NotReady after this long (kube: 40 s). */
  nodeMonitorGraceMs: number;
  /** Pods on a NotReady node are evicted after this long (kube: tolerationSeconds 300). */
  podEvictionMs: number;
}

export const DEFAULT_TIMING: Timing = {
  scheduleMs: 100,
  startMs: 1500,
  readyMs: 1500,
  terminateMs: 1500,
  backoffBaseMs: 10_000,
  backoffMaxMs: 300_000,
  nodeMonitorGraceMs: 5_000,
  podEvictionMs: 10_000,
};

/** Per-pod behaviour, read from annotations on the pod (usually set in the workload template). */
export const ANNOTATIONS = {
  startAfter: 'sim.podlights.io/start-after',
  readyAfter: 'sim.podlights.io/ready-after',
  neverReady: 'sim.podlights.io/never-ready',
  exitAfter: 'sim.podlights.io/exit-after',
  exitCode: 'sim.podlights.io/exit-code',
  terminateAfter: 'sim.podlights.io/terminate-after',
};
