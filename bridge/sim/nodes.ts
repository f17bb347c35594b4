// Simulated machines and their Node objects. A machine is either up (its kubelet posts status
// and runs pods) or down (silence: the node lifecycle controller notices after a grace period).
// The hybrid cluster of the seed story is the default: amd64 and arm64 nodes side by side.
import { rfc3339 } from './objects.ts';
import type { KubeObject } from './types.ts';

export interface NodeSpec {
  name: string;
  arch: 'amd64' | 'arm64';
  /** topology.kubernetes.io/region; defaults to the cluster name. */
  region?: string;
  zone?: string;
  /** Allocatable pods (default 110, as a kubelet). */
  pods?: number;
  cpu?: string;
  memory?: string;
  /** node-role.kubernetes.io/<role> labels, e.g. ['control-plane']. */
  roles?: string[];
}

/** The default demo topology: eu is hybrid (2 amd64 + 2 arm64), us has 3 amd64 nodes. */
export function defaultNodes(cluster: string): NodeSpec[] {
  if (cluster === 'us') {
    return [1, 2, 3].map((i) => ({ name: `us-amd64-${i}`, arch: 'amd64' as const }));
  }
  return [
    { name: `${cluster}-amd64-1`, arch: 'amd64' },
    { name: `${cluster}-amd64-2`, arch: 'amd64' },
    { name: `${cluster}-arm64-1`, arch: 'arm64' },
    { name: `${cluster}-arm64-2`, arch: 'arm64' },
  ];
}

export function readyCondition(up: boolean, now: string): Array<Record<string, string>> {
  const pressure = (type: string, reason: string, message: string) =>
    up
      ? { type, status: 'False', reason, message, lastHeartbeatTime: now, lastTransitionTime: now }
      : { type, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: now, lastTransitionTime: now };
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    up
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }
      : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: now, lastTransitionTime: now },
  ];
}

export function nodeObject(opts: { spec: NodeSpec; index: number; cluster: string; wallNow: number }): KubeObject {
  const { spec, index, cluster } = opts;
  const now = rfc3339(opts.wallNow);
  const region = spec.region ?? cluster;
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': spec.arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': spec.arch,
    'kubernetes.io/hostname': spec.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': region,
    'topology.kubernetes.io/zone': spec.zone ?? `${region}-${String.fromCharCode(97 + (index % 3))}`,
  };
  for (const role of spec.roles ?? []) labels[`node-role.kubernetes.io/${role}`] = '';
  const capacity = { cpu: spec.cpu ?? '4', memory: spec.memory ?? (spec.arch === 'arm64' ? '8Gi' : '16Gi'), pods: String(spec.pods ?? 110), 'ephemeral-storage': '61255492Ki' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: spec.name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'podlights.io/simulated': 'true' } },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], providerID: `podlights-sim://${cluster}/${spec.name}` },
    status: {
      capacity,
      allocatable: capacity,
      conditions: readyCondition(true, now),
      addresses: [
        { type: 'InternalIP', address: `172.18.${index}.${10 + index}` },
        { type: 'Hostname', address: spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: spec.arch,
        operatingSystem: 'linux',
        osImage: spec.arch === 'arm64' ? 'Debian GNU/Linux 12 (bookworm)' : 'Ubuntu 24.04.1 LTS',
        kernelVersion: spec.arch === 'arm64' ? '6.6.51+rpt-rpi-2712' : '6.8.0-45-generic',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        containerRuntimeVersion: 'containerd://1.7.22',
        machineID: `sim${String(index).padStart(29, '0')}`,
        systemUUID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
        bootID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`,
      },
    },
  };
}

/** Power state of the simulated machines; the kubelet and node lifecycle controller listen. */
export class Machines {
  private readonly down = new Set<string>();
  private readonly listeners = new Set<(node: string, up: boolean) => void>();

  isUp(node: string): boolean {
    return !this.down.has(node);
  }

  set(node: string, up: boolean): void {
    if (this.isUp(node) === up) return;
    if (up) this.down.delete(node);
    else this.down.add(node);
    for (const fn of this.listeners) fn(node, up);
  }

  onChange(fn: (node: string, up: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
