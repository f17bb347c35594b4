// Everything the bridge watches in one cluster, kept as lean maps for the view, with the
// cluster's health: healthy while every watch is synced and connected, degraded while some fail,
// unreachable once all have failed (or none ever connected) for longer than a grace period.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterHealth, ClusterState, LeanNode, LeanPod, LeanWorkload, WorkloadKind } from './lean.ts';
import { workloadKey } from './lean.ts';
import { leanNode, leanPod, leanWorkload } from './normalize.ts';
import { Reflector } from './reflector.ts';
import type { ReflectorStatus } from './reflector.ts';

export interface ClusterWatchOptions {
  name: string;
  kubeConfig: KubeConfig;
  /** DaemonSet mode: only pods bound to this node (field selector spec.nodeName). */
  nodeName?: string;
  /** Called (synchronously, often) whenever the state or health changed; debounce downstream. */
  onChange: () => void;
  watchdogMs?: number;
  /** How long all watches may fail before the cluster counts as unreachable. */
  unreachableAfterMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  log?: (line: string) => void;
}

export class ClusterWatch {
  readonly name: string;
  private readonly pods = new Map<string, LeanPod>();
  private readonly workloads = new Map<string, LeanWorkload>();
  private readonly nodes = new Map<string, LeanNode>();
  private readonly reflectors: Reflector<unknown>[] = [];
  private failingSince: number | undefined = Date.now();
  private healthTimer: NodeJS.Timeout | undefined;
  private lastHealth: ClusterHealth = 'unreachable';

  constructor(private readonly options: ClusterWatchOptions) {
    this.name = options.name;
    const kc = options.kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const common = {
      kubeConfig: kc,
      watchdogMs: options.watchdogMs,
      backoffMinMs: options.backoffMinMs,
      backoffMaxMs: options.backoffMaxMs,
      log: options.log,
    };
    const fieldSelector = options.nodeName ? `spec.nodeName=${options.nodeName}` : undefined;
    this.reflectors.push(
      new Reflector<LeanPod>({
        ...common,
        path: '/api/v1/pods',
        fieldSelector,
        list: () => core.listPodForAllNamespaces({ fieldSelector }) as never,
        normalize: leanPod,
        handlers: this.mapHandlers(this.pods, (p) => p.uid, true),
      }) as Reflector<unknown>,
      new Reflector<LeanNode>({
        ...common,
        path: '/api/v1/nodes',
        list: () => core.listNode() as never,
        normalize: leanNode,
        handlers: this.mapHandlers(this.nodes, (n) => n.name),
      }) as Reflector<unknown>,
    );
    const kinds: [WorkloadKind, string, () => Promise<unknown>][] = [
      ['Deployment', 'deployments', () => apps.listDeploymentForAllNamespaces()],
      ['ReplicaSet', 'replicasets', () => apps.listReplicaSetForAllNamespaces()],
      ['StatefulSet', 'statefulsets', () => apps.listStatefulSetForAllNamespaces()],
      ['DaemonSet', 'daemonsets', () => apps.listDaemonSetForAllNamespaces()],
    ];
    for (const [kind, plural, list] of kinds) {
      this.reflectors.push(
        new Reflector<LeanWorkload>({
          ...common,
          path: `/apis/apps/v1/${plural}`,
          list: list as never,
          normalize: (o) => leanWorkload(kind, o),
          handlers: this.mapHandlers(this.workloads, (w) => workloadKey(w.kind, w.namespace, w.name)),
        }) as Reflector<unknown>,
      );
    }
  }

  /**
   * What changed since takeChanges(): the pods updated in place, or "structural" when anything
   * else did (a pod came or went, a workload or node changed, the health moved). The view can
   * patch its last state for the first kind and must recompute for the second.
   */
  private changedPods = new Map<string, LeanPod>();
  private structural = true;

  takeChanges(): { structural: boolean; pods: LeanPod[] } {
    const out = { structural: this.structural, pods: [...this.changedPods.values()] };
    this.changedPods.clear();
    this.structural = false;
    return out;
  }

  private mapHandlers<T>(map: Map<string, T>, keyOf: (v: T) => string, pods = false) {
    return {
      add: (_k: string, v: T) => {
        map.set(keyOf(v), v);
        this.structural = true;
        this.options.onChange();
      },
      update: (_k: string, v: T) => {
        map.set(keyOf(v), v);
        if (pods) this.changedPods.set(keyOf(v), v as unknown as LeanPod);
        else this.structural = true;
        this.options.onChange();
      },
      delete: (_k: string, v: T) => {
        map.delete(keyOf(v));
        this.structural = true;
        this.options.onChange();
      },
      synced: () => this.checkHealth(),
    };
  }

  start(): void {
    for (const r of this.reflectors) r.start();
    this.healthTimer = setInterval(() => this.checkHealth(), 500);
    this.healthTimer.unref?.();
  }

  stop(): void {
    for (const r of this.reflectors) r.stop();
    clearInterval(this.healthTimer);
  }

  statuses(): ReflectorStatus[] {
    return this.reflectors.map((r) => r.status);
  }

  health(): ClusterHealth {
    const statuses = this.statuses();
    const ok = statuses.filter((s) => s.synced && s.connected).length;
    if (ok === statuses.length) {
      this.failingSince = undefined;
      return 'healthy';
    }
    if (ok > 0) {
      this.failingSince = undefined;
      return 'degraded';
    }
    this.failingSince ??= Date.now();
    const grace = this.options.unreachableAfterMs ?? 5000;
    // Before the first sync there is nothing to show yet; a cluster that never answers is unreachable.
    return Date.now() - this.failingSince >= grace ? 'unreachable' : 'degraded';
  }

  private checkHealth(): void {
    const h = this.health();
    if (h !== this.lastHealth) {
      this.options.log?.(`kube: cluster ${this.name} is ${h}`);
      this.lastHealth = h;
      this.structural = true;
      this.options.onChange();
    }
  }

  state(): ClusterState {
    return { name: this.name, health: this.lastHealth, pods: this.pods, workloads: this.workloads, nodes: this.nodes };
  }
}
