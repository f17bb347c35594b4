// The scheduler: binds each pending pod to a Ready node it fits (nodeSelector, required node
// affinity, taints, pod capacity), spreading replicas of one owner over nodes first and then
// balancing total pods. Ties go to the first node by name, so runs are reproducible.
import type { StoredEvent } from '../history.ts';
import { controllerOf, getCondition } from '../objects.ts';
import { R } from '../resources.ts';
import type { Timing } from '../timing.ts';
import type { KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { isActive } from './podutil.ts';

const ALL = '*';

function tolerates(pod: KubeObject, taint: any): boolean {
  return (pod.spec?.tolerations ?? []).some((t: any) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

function matchExpression(expr: any, value: string | undefined): boolean {
  const values: string[] = expr.values ?? [];
  switch (expr.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt': return value !== undefined && Number(value) < Number(values[0]);
    default: return false;
  }
}

function affinityAllows(pod: KubeObject, node: KubeObject): boolean {
  const terms: any[] | undefined = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((term) =>
    (term.matchExpressions ?? []).every((e: any) => matchExpression(e, labels[e.key])) &&
    (term.matchFields ?? []).every((e: any) => e.key === 'metadata.name' && matchExpression(e, node.metadata.name)));
}

export function nodeIsReady(node: KubeObject): boolean {
  return getCondition(node.status?.conditions, 'Ready')?.status === 'True';
}

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  private readonly ctx: ControllerContext;
  private readonly timing: Timing;
  private readonly seen = new Set<string>();

  constructor(opts: { ctx: ControllerContext; timing: Timing }) {
    this.ctx = opts.ctx;
    this.timing = opts.timing;
  }

  initialKeys(): string[] {
    return [ALL];
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource === R.nodes) return [ALL];
    if (ev.resource !== R.pods) return [];
    if (ev.type === 'DELETED') {
      this.seen.delete(String(ev.object.metadata.uid));
      // A freed slot may make an unschedulable pod fit.
      return ev.object.spec?.nodeName ? [ALL] : [];
    }
    if (ev.object.spec?.nodeName || ev.object.metadata.deletionTimestamp) return [];
    return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
  }

  sync(key: string): void {
    if (key === ALL) {
      for (const p of this.ctx.store.list(R.pods)) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) this.schedule(p, true);
      return;
    }
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.get(R.pods, namespace, name);
    if (pod && !pod.spec?.nodeName && !pod.metadata.deletionTimestamp) this.schedule(pod, false);
  }

  private schedule(pod: KubeObject, retry: boolean): void {
    const uid = String(pod.metadata.uid);
    // The scheduler's latency: a new pod stays unbound for scheduleMs.
    if (!this.seen.has(uid)) {
      this.seen.add(uid);
      if (this.timing.scheduleMs > 0) {
        this.ctx.manager.enqueueAfter(this, keyOf(pod.metadata.namespace, pod.metadata.name), this.timing.scheduleMs);
        return;
      }
    } else if (retry && getCondition(pod.status?.conditions, 'PodScheduled') === undefined) return;
    const nodes = this.ctx.store.list(R.nodes).sort((a, b) => (String(a.metadata.name) < String(b.metadata.name) ? -1 : 1));
    const pods = this.ctx.store.list(R.pods).filter((p) => p.spec?.nodeName && isActive(p));
    const owner = controllerOf(pod)?.uid;
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    let best: { node: KubeObject; siblings: number; total: number } | undefined;
    for (const node of nodes) {
      if (!nodeIsReady(node)) { note('node(s) were not ready'); continue; }
      if (node.spec?.unschedulable && !tolerates(pod, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) { note('node(s) were unschedulable'); continue; }
      const taint = (node.spec?.taints ?? []).find((t: any) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t));
      if (taint) { note(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`); continue; }
      const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
      if (!Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v) || !affinityAllows(pod, node)) {
        note("node(s) didn't match Pod's node affinity/selector");
        continue;
      }
      const onNode = pods.filter((p) => p.spec.nodeName === node.metadata.name);
      if (onNode.length >= Number(node.status?.allocatable?.pods ?? 110)) { note('Too many pods'); continue; }
      const siblings = owner ? onNode.filter((p) => controllerOf(p)?.uid === owner).length : 0;
      if (!best || siblings < best.siblings || (siblings === best.siblings && onNode.length < best.total)) best = { node, siblings, total: onNode.length };
    }
    if (best) {
      this.ctx.api.bind(String(pod.metadata.namespace), String(pod.metadata.name), String(best.node.metadata.name));
      return;
    }
    const detail = [...reasons].map(([r, n]) => `${n} ${r}`).join(', ');
    const message = `0/${nodes.length} nodes are available${detail ? `: ${detail}` : ''}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
    const cond = getCondition(pod.status?.conditions, 'PodScheduled');
    if (cond?.status === 'False' && cond.message === message) return;
    const now = new Date(this.ctx.clock.wallNow()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = [...(pod.status?.conditions ?? []).filter((c: any) => c.type !== 'PodScheduled'),
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: now }];
    this.ctx.api.update(R.pods, { ...pod, status: { ...pod.status, conditions } }, { subresource: 'status' });
  }
}
