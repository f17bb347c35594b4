// Everything the bridge watches in one cluster, kept as lean maps for the view, with the
// cluster's health: healthy while every watch is synced and connected, degraded while some fail,
// unreachable once all have failed (or none ever connected) for longer than a grace period.
import type { ClusterHealth, ClusterState, LeanNode, LeanPod, LeanService, LeanWorkload, WorkloadKind } from './lean.ts';
import { workloadKey } from './lean.ts';
import { leanNode, leanService, leanWorkload } from './normalize.ts';
import { decodePod, leanOf } from './pod-decoder.ts';
import { KubeHttp } from './http.ts';
import type { KubeAccess } from './kubeconfig.ts';
import type { KubeHttpLimits } from './http.ts';
import { Recovery, Reflector } from './reflector.ts';
import type { ReflectorProblem, ReflectorStatus } from './reflector.ts';

/** The label alternatives a pod can carry to be shown (the seed's and podlights' own). */
export const SHOW_SELECTORS = ['blinkt=show', 'podlights.io/show=true'];

export interface ClusterWatchOptions {
  name: string;
  kubeConfig: KubeAccess;
  /** DaemonSet mode: only pods bound to this node (field selector spec.nodeName). */
  nodeName?: string;
  /**
   * Label selectors of the pods to watch, one watch each (a label selector cannot say "or");
   * undefined watches every pod (a board shows all). Default SHOW_SELECTORS.
   */
  podSelectors?: string[] | undefined;
  /** Called (synchronously, often) whenever the state or health changed; debounce downstream. */
  onChange: () => void;
  /** Probe a watch quiet for this long, ms (see Reflector). */
  probeAfterMs?: number;
  /** How long all watches may fail before the cluster counts as unreachable. */
  unreachableAfterMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  limits?: KubeHttpLimits;
  log?: (line: string) => void;
}

const digits = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
};

/** A numeric resourceVersion comparison (etcd's are integers); unknown shapes count as newer. */
function notOlder(rv: string, than: string): boolean {
  if (!digits(rv) || !digits(than)) return true;
  return rv.length !== than.length ? rv.length > than.length : rv >= than;
}

export class ClusterWatch {
  readonly name: string;
  private readonly pods = new Map<string, LeanPod>();
  /** How many pod watches hold each pod (by uid), and the newest resourceVersion seen of it. */
  private readonly podRefs = new Map<string, { count: number; rv: string }>();
  private readonly workloads = new Map<string, LeanWorkload>();
  private readonly nodes = new Map<string, LeanNode>();
  private readonly services = new Map<string, LeanService>();
  private readonly reflectors: Reflector<unknown>[] = [];
  /**
   * Watches the view can do without: Services only mark which side of a blue-green switch gets
   * the traffic, so a ClusterRole from before they were watched (no `services` rule) costs that
   * mark, and the log says so, but never the cluster's health.
   */
  private readonly optional = new Set<Reflector<unknown>>();
  private readonly http: KubeHttp;
  private failingSince: number | undefined = Date.now();
  private healthTimer: NodeJS.Timeout | undefined;
  private readonly recovery: Recovery;
  private lastServerProbe = 0;
  private serverProbing = false;
  private lastHealth: ClusterHealth = 'unreachable';

  constructor(private readonly options: ClusterWatchOptions) {
    this.name = options.name;
    this.http = new KubeHttp(options.kubeConfig, options.limits);
    const recovery = new Recovery();
    this.recovery = recovery;
    const log = options.log && ((line: string) => options.log!(line.replace(/^kube: /, `kube: ${this.name}: `)));
    const common = {
      http: this.http,
      recovery,
      probeAfterMs: options.probeAfterMs,
      backoffMinMs: options.backoffMinMs,
      backoffMaxMs: options.backoffMaxMs,
      log,
    };
    const fieldSelector = options.nodeName ? `spec.nodeName=${options.nodeName}` : undefined;
    const selectors = 'podSelectors' in options ? options.podSelectors : SHOW_SELECTORS;
    for (const labelSelector of selectors ?? [undefined]) {
      this.reflectors.push(
        new Reflector<LeanPod>({
          ...common,
          path: '/api/v1/pods',
          fieldSelector,
          labelSelector,
          normalize: leanOf,
          fields: decodePod,
          handlers: this.podHandlers(),
        }) as Reflector<unknown>,
      );
    }
    this.reflectors.push(
      new Reflector<LeanNode>({
        ...common,
        path: '/api/v1/nodes',
        // A DaemonSet's bridge shows its own node only: no need to hold every node of the cluster.
        fieldSelector: options.nodeName ? `metadata.name=${options.nodeName}` : undefined,
        normalize: leanNode,
        handlers: this.mapHandlers(this.nodes, (n) => n.name),
      }) as Reflector<unknown>,
    );
    const kinds: [WorkloadKind, string][] = [
      ['Deployment', 'deployments'],
      ['ReplicaSet', 'replicasets'],
      ['StatefulSet', 'statefulsets'],
      ['DaemonSet', 'daemonsets'],
    ];
    for (const [kind, plural] of kinds) {
      this.reflectors.push(
        new Reflector<LeanWorkload>({
          ...common,
          path: `/apis/apps/v1/${plural}`,
          normalize: (o) => leanWorkload(kind, o),
          handlers: this.mapHandlers(this.workloads, (w) => workloadKey(w.kind, w.namespace, w.name)),
        }) as Reflector<unknown>,
      );
    }
    const services = new Reflector<LeanService>({
      ...common,
      path: '/api/v1/services',
      withoutIt: 'the cluster is shown, but not which side of a blue-green switch the Service sends traffic to',
      normalize: leanService,
      handlers: this.mapHandlers(this.services, (v) => `${v.namespace}/${v.name}`),
    }) as Reflector<unknown>;
    this.reflectors.push(services);
    this.optional.add(services);
  }

  /**
   * Pods come from one watch per label alternative, so a pod labelled both ways is held twice:
   * it is added with the first, updated by either (never back to an older resourceVersion), and
   * deleted with the last.
   */
  private podHandlers() {
    return {
      add: (_k: string, p: LeanPod, rv: string) => {
        const ref = this.podRefs.get(p.uid);
        if (ref) {
          ref.count++;
          if (notOlder(rv, ref.rv)) this.podChanged(p, rv, ref);
          return;
        }
        this.podRefs.set(p.uid, { count: 1, rv });
        this.pods.set(p.uid, p);
        this.structural = true;
        this.options.onChange();
      },
      update: (_k: string, p: LeanPod, rv: string) => {
        const ref = this.podRefs.get(p.uid);
        if (!ref || !notOlder(rv, ref.rv)) return;
        this.podChanged(p, rv, ref);
      },
      delete: (_k: string, p: LeanPod) => {
        const ref = this.podRefs.get(p.uid);
        if (!ref) return;
        if (--ref.count > 0) return;
        this.podRefs.delete(p.uid);
        this.pods.delete(p.uid);
        this.changedPods.delete(p.uid);
        this.structural = true;
        this.options.onChange();
      },
      synced: () => this.checkHealth(),
    };
  }

  private podChanged(p: LeanPod, rv: string, ref: { rv: string }): void {
    ref.rv = rv;
    this.pods.set(p.uid, p);
    this.changedPods.set(p.uid, p);
    this.options.onChange();
  }

  /**
   * What changed since takeChanges(): the pods updated in place, or "structural" when anything
   * else did (a pod came or went, a workload or node changed, the health moved). The view can
   * patch its last state for the first kind and must recompute for the second.
   */
  private changedPods = new Map<string, LeanPod>();
  private structural = true;

  /** Something changed that takes more than a patch of pod states (see takeChanges). */
  structuralPending(): boolean {
    return this.structural;
  }

  takeChanges(): { structural: boolean; pods: LeanPod[] } {
    const out = { structural: this.structural, pods: [...this.changedPods.values()] };
    this.changedPods.clear();
    this.structural = false;
    return out;
  }

  private mapHandlers<T>(map: Map<string, T>, keyOf: (v: T) => string) {
    return {
      add: (_k: string, v: T) => {
        map.set(keyOf(v), v);
        this.structural = true;
        this.options.onChange();
      },
      update: (_k: string, v: T) => {
        map.set(keyOf(v), v);
        this.structural = true;
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
    this.healthTimer = setInterval(() => {
      this.checkHealth();
      this.probeServer();
    }, 500);
    this.healthTimer.unref?.();
  }

  /**
   * While the server cannot be reached, ask it every 2 s whether it is back (GET /version, which
   * every client may read): the moment it answers, every reflector stops waiting out its backoff
   * and they resync together, instead of one by one over the next 30 s.
   */
  private probeServer(): void {
    const now = Date.now();
    if (this.serverProbing || now - this.lastServerProbe < 2000) return;
    if (!this.statuses().some((s) => s.problem === 'unreachable')) return;
    this.lastServerProbe = now;
    this.serverProbing = true;
    this.http
      .get('/version')
      .then(
        () => this.recovery.succeeded(),
        () => {},
      )
      .finally(() => (this.serverProbing = false));
  }

  stop(): void {
    for (const r of this.reflectors) r.stop();
    clearInterval(this.healthTimer);
    this.http.close();
  }

  /**
   * What keeps the cluster from being shown, for /readyz and the log: 'forbidden' (RBAC) and
   * 'unauthorized' are configuration problems, not outages; undefined when all is well.
   */
  problem(): { problem: ReflectorProblem; detail: string } | undefined {
    const bad = this.statuses().filter((s) => s.problem !== undefined);
    const worst = bad.find((s) => s.problem === 'forbidden') ?? bad.find((s) => s.problem === 'unauthorized') ?? bad[0];
    return worst && { problem: worst.problem, detail: `${worst.path}${worst.labelSelector ? ` (${worst.labelSelector})` : ''}: ${worst.lastError ?? ''}` };
  }

  /**
   * A loop that made no progress for this long is wedged: every request has a deadline and a
   * quiet watch is probed, so silence this long means something is stuck (liveness fails).
   */
  wedged(now = Date.now(), afterMs = 180_000): boolean {
    return this.statuses().some((s) => now - s.lastProgressAt > afterMs);
  }

  /**
   * The watches that decide health, problems and liveness. Optional ones are left out: a
   * ClusterRole without `services`, or a server that does not serve them, must not make the
   * cluster look degraded. They still retry, log and count like every watch (allStatuses()).
   */
  statuses(): ReflectorStatus[] {
    return this.reflectors.filter((r) => !this.optional.has(r)).map((r) => r.status);
  }

  /** Every watch, optional ones included (for /metrics and tests). */
  allStatuses(): ReflectorStatus[] {
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
    return { name: this.name, health: this.lastHealth, pods: this.pods, workloads: this.workloads, nodes: this.nodes, services: this.services };
  }
}
