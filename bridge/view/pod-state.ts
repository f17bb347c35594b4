// A pod's state on the strip, from its status, in the order a person reads a pod: going away
// first, then finished, then broken, then on its way up, then up.
import { POD_STATE } from '../../protocol/index.ts';
import type { LeanPod } from '../kube/lean.ts';

/** Waiting reasons that mean the pod will not start without help. */
const FAILING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

export function podState(pod: LeanPod): number {
  if (pod.deleting) return POD_STATE.TERMINATING;
  if (pod.phase === 'Succeeded') return POD_STATE.SUCCEEDED;
  if (pod.phase === 'Failed') return POD_STATE.FAILED;
  const waiting = pod.waiting;
  if (waiting.length > 0) {
    if (waiting.includes('CrashLoopBackOff')) return POD_STATE.CRASH_LOOP;
    for (const r of waiting) if (FAILING.has(r)) return POD_STATE.FAILED;
  }
  if (pod.phase === 'Pending') return pod.scheduled ? POD_STATE.CREATING : POD_STATE.PENDING;
  if (pod.phase === 'Running') return pod.ready ? POD_STATE.RUNNING : POD_STATE.NOT_READY;
  return POD_STATE.UNKNOWN;
}
