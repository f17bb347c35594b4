// The workloads the real-k8s scenarios drive with kubectl, labelled the ways the bridge shows:
// the seed's `blinkt: show` + `blinktColor`, and `podlights.io/show` + `podlights.io/color`.
import { POD_STATE } from '../../protocol/index.ts';
import type { Truth } from './truth.ts';

export function deployment(name: string, opts: { replicas: number; color: string; image?: string; nodeSelector?: Record<string, string>; minReadySeconds?: number; seedLabels?: boolean }): string {
  const show = opts.seedLabels === false ? `podlights.io/show: "true", podlights.io/color: "${opts.color}"` : `blinkt: show, blinktColor: "${opts.color}"`;
  const selector = opts.nodeSelector ? `      nodeSelector: ${JSON.stringify(opts.nodeSelector)}\n` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: default }
spec:
  replicas: ${opts.replicas}
  minReadySeconds: ${opts.minReadySeconds ?? 0}
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name}, ${show} }
    spec:
${selector}      containers:
        - name: ${name}
          image: ${opts.image ?? `demo/${name}:1`}
`;
}

export function statefulSet(name: string, replicas: number, color: string): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: { name: ${name}, namespace: default }
spec:
  replicas: ${replicas}
  serviceName: ${name}
  podManagementPolicy: Parallel
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name}, podlights.io/show: "true", podlights.io/color: "${color}" }
    spec:
      containers:
        - name: ${name}
          image: demo/${name}:1
`;
}

export function daemonSet(name: string, color: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: ${name}, namespace: default }
spec:
  selector: { matchLabels: { app: ${name} } }
  updateStrategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: 1 } }
  template:
    metadata:
      labels: { app: ${name}, blinkt: show, blinktColor: "${color}" }
    spec:
      containers:
        - name: ${name}
          image: demo/${name}:1
`;
}

const RUNNING = POD_STATE.RUNNING;

/** `n` pods of the workload, all running and ready, none terminating, all of one revision. */
export function allRunning(workload: string, n: number): (t: Truth) => boolean {
  return (t) => {
    const pods = t.pods.filter((p) => p.workload === workload);
    return pods.length === n && pods.every((p) => p.state === RUNNING) && new Set(pods.map((p) => p.revision)).size === 1;
  };
}
