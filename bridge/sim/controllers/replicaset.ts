// The ReplicaSet controller: keeps spec.replicas active pods, adopts matching orphans, removes
// the least valuable pods first, and reports replicas/ready/available in status.
import type { StoredEvent } from '../history.ts';
import { clone, controllerOf, deepEqual, ownerRef } from '../objects.ts';
import { R } from '../resources.ts';
import { labelSelectorFromSpec } from '../selectors.ts';
import type { KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { availability, compareForDeletion, isActive, isReady, podFromTemplate } from './podutil.ts';

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.replicasets).map((rs) => keyOf(rs.metadata.namespace, rs.metadata.name));
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource === R.replicasets) return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
    if (ev.resource !== R.pods) return [];
    const keys = new Set<string>();
    for (const o of [ev.object, ev.prev]) {
      if (!o) continue;
      const ref = controllerOf(o);
      if (ref?.kind === 'ReplicaSet') keys.add(keyOf(o.metadata.namespace, ref.name));
    }
    // An orphan pod may be adopted by any ReplicaSet selecting it.
    if (ev.type === 'ADDED' && !controllerOf(ev.object)) {
      for (const rs of this.ctx.store.list(R.replicasets, ev.object.metadata.namespace)) {
        if (labelSelectorFromSpec(rs.spec?.selector).matches(ev.object.metadata.labels)) keys.add(keyOf(rs.metadata.namespace, rs.metadata.name));
      }
    }
    return [...keys];
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.ctx.store.get(R.replicasets, namespace, name);
    if (!rs) return;
    let pods = this.claimPods(rs);
    if (!rs.metadata.deletionTimestamp) {
      const active = pods.filter(isActive);
      const diff = active.length - Number(rs.spec?.replicas ?? 1);
      if (diff < 0) {
        for (let i = 0; i < -diff; i++) {
          const pod = podFromTemplate({ template: rs.spec?.template, namespace: String(namespace), owner: ownerRef(rs), generateName: `${name}-` });
          this.ctx.api.create(R.pods, pod);
        }
      } else if (diff > 0) {
        const victims = [...active].sort(compareForDeletion).slice(0, diff);
        for (const pod of victims) this.ctx.api.delete(R.pods, namespace, String(pod.metadata.name));
      }
      if (diff !== 0) pods = this.claimPods(rs);
    }
    this.updateStatus(rs, pods);
  }

  private claimPods(rs: KubeObject): KubeObject[] {
    const selector = labelSelectorFromSpec(rs.spec?.selector);
    const out: KubeObject[] = [];
    for (const pod of this.ctx.store.list(R.pods, rs.metadata.namespace)) {
      const ref = controllerOf(pod);
      if (ref?.uid === rs.metadata.uid) out.push(pod);
      else if (!ref && !pod.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp && selector.matches(pod.metadata.labels)) {
        const adopted = clone(pod);
        adopted.metadata.ownerReferences = [...(pod.metadata.ownerReferences ?? []), ownerRef(rs)];
        out.push(this.ctx.api.update(R.pods, adopted));
      }
    }
    return out;
  }

  private updateStatus(rs: KubeObject, pods: KubeObject[]): void {
    const active = pods.filter(isActive);
    const minReady = Number(rs.spec?.minReadySeconds ?? 0);
    const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
    let available = 0;
    let wait = Infinity;
    for (const p of active) {
      const a = availability(p, minReady, this.ctx.clock);
      if (a.available) available++;
      else if (a.waitMs > 0) wait = Math.min(wait, a.waitMs);
    }
    if (wait < Infinity) this.ctx.manager.enqueueAfter(this, keyOf(rs.metadata.namespace, rs.metadata.name), wait + 1);
    const status: Record<string, unknown> = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: active.filter(isReady).length,
      availableReplicas: available,
      terminatingReplicas: pods.filter((p) => p.metadata.deletionTimestamp).length,
      observedGeneration: rs.metadata.generation,
    };
    for (const k of ['readyReplicas', 'availableReplicas', 'fullyLabeledReplicas', 'terminatingReplicas']) if (status[k] === 0) delete status[k];
    if (deepEqual(rs.status, status)) return;
    this.ctx.api.update(R.replicasets, { ...rs, status }, { subresource: 'status' });
  }
}
