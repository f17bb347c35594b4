// The node lifecycle controller: when a machine goes silent the Node turns Ready=Unknown and
// gets the unreachable taints after nodeMonitorGraceMs, its pods turn NotReady, and after
// podEvictionMs they are deleted (and, with no kubelet to confirm, stay Terminating until the
// machine returns). A machine coming back posts Ready at once.
import type { Timer } from '../clock.ts';
import type { Machines } from '../nodes.ts';
import { readyCondition } from '../nodes.ts';
import { clone, rfc3339, setCondition } from '../objects.ts';
import { R } from '../resources.ts';
import type { Timing } from '../timing.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './context.ts';

const UNREACHABLE = 'node.kubernetes.io/unreachable';

function toleratesForever(pod: KubeObject): boolean {
  return (pod.spec?.tolerations ?? []).some((t: any) =>
    (t.effect === 'NoExecute' || !t.effect) && (t.key === UNREACHABLE || (!t.key && t.operator === 'Exists')) && t.tolerationSeconds === undefined);
}

export class NodeLifecycle {
  private readonly ctx: ControllerContext;
  private readonly timing: Timing;
  private readonly timers = new Map<string, Timer[]>();
  private readonly unwatch: () => void;

  constructor(opts: { ctx: ControllerContext; timing: Timing; machines: Machines }) {
    this.ctx = opts.ctx;
    this.timing = opts.timing;
    this.unwatch = opts.machines.onChange((node, up) => (up ? this.recovered(node) : this.silent(node)));
  }

  stop(): void {
    this.unwatch();
    for (const ts of this.timers.values()) for (const t of ts) t.cancel();
    this.timers.clear();
  }

  private silent(node: string): void {
    const grace = this.ctx.clock.setTimer(this.timing.nodeMonitorGraceMs, () => {
      this.markUnknown(node);
      const evict = this.ctx.clock.setTimer(this.timing.podEvictionMs, () => this.evict(node));
      this.timers.get(node)?.push(evict);
    });
    this.timers.set(node, [grace]);
  }

  private recovered(node: string): void {
    for (const t of this.timers.get(node) ?? []) t.cancel();
    this.timers.delete(node);
    const current = this.ctx.store.get(R.nodes, undefined, node);
    if (!current) return;
    const now = rfc3339(this.ctx.clock.wallNow());
    const next = clone(current);
    next.spec.taints = (next.spec.taints ?? []).filter((t: any) => t.key !== UNREACHABLE);
    if (next.spec.taints.length === 0) delete next.spec.taints;
    const updated = this.ctx.api.update(R.nodes, next);
    this.ctx.api.update(R.nodes, { ...updated, status: { ...updated.status, conditions: readyCondition(true, now) } }, { subresource: 'status' });
  }

  private markUnknown(node: string): void {
    const current = this.ctx.store.get(R.nodes, undefined, node);
    if (!current) return;
    const now = rfc3339(this.ctx.clock.wallNow());
    const updated = this.ctx.api.update(R.nodes, { ...current, status: { ...current.status, conditions: readyCondition(false, now) } }, { subresource: 'status' });
    const next = clone(updated);
    const taints = (next.spec.taints ?? []).filter((t: any) => t.key !== UNREACHABLE);
    taints.push({ key: UNREACHABLE, effect: 'NoSchedule', timeAdded: now }, { key: UNREACHABLE, effect: 'NoExecute', timeAdded: now });
    next.spec.taints = taints;
    this.ctx.api.update(R.nodes, next);
    for (const pod of this.podsOn(node)) {
      const conditions = setCondition(clone(pod.status?.conditions ?? []), { type: 'Ready', status: 'False' }, now);
      this.ctx.api.update(R.pods, { ...pod, status: { ...pod.status, conditions } }, { subresource: 'status' });
    }
  }

  private evict(node: string): void {
    for (const pod of this.podsOn(node)) {
      if (pod.metadata.deletionTimestamp || toleratesForever(pod)) continue;
      this.ctx.api.delete(R.pods, pod.metadata.namespace, String(pod.metadata.name));
    }
  }

  private podsOn(node: string): KubeObject[] {
    return this.ctx.store.list(R.pods).filter((p) => p.spec?.nodeName === node);
  }
}
