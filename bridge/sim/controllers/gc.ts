// The garbage collector and the namespace controller: dependents follow their owners
// (ownerReferences) when the owner is deleted in the background or the foreground, and a
// deleted namespace empties itself before it disappears.
import type { StoredEvent } from '../history.ts';
import { clone } from '../objects.ts';
import { R, RESOURCES, type ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';

const FOREGROUND = 'foregroundDeletion';
const NAMESPACED = RESOURCES.filter((r) => r.namespaced);

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.namespaces).filter((n) => n.metadata.deletionTimestamp).map((n) => `ns\u0000${n.metadata.name}`);
  }

  keysFor(ev: StoredEvent): string[] {
    const o = ev.object;
    const keys: string[] = [];
    if (ev.resource === R.namespaces) {
      if (o.metadata.deletionTimestamp && ev.type !== 'DELETED') keys.push(`ns\u0000${o.metadata.name}`);
      return keys;
    }
    if (!ev.resource.namespaced) return keys;
    const ns = String(o.metadata.namespace);
    if (ev.type === 'DELETED') {
      keys.push(`owner\u0000${ns}\u0000${o.metadata.uid}`);
      for (const ref of o.metadata.ownerReferences ?? []) keys.push(`fg\u0000${ns}\u0000${ref.kind}\u0000${ref.name}`);
      if (this.ctx.store.get(R.namespaces, undefined, ns)?.metadata.deletionTimestamp) keys.push(`ns\u0000${ns}`);
    } else if (o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND)) {
      keys.push(`fg\u0000${ns}\u0000${o.kind}\u0000${o.metadata.name}`);
    }
    return keys;
  }

  sync(key: string): void {
    const parts = key.split('\u0000');
    if (parts[0] === 'ns') this.syncNamespace(parts[1]);
    else if (parts[0] === 'owner') this.ownerGone(parts[1], parts[2]);
    else if (parts[0] === 'fg') this.syncForeground(parts[1], parts[2], parts[3]);
  }

  private dependents(ns: string, uid: string): Array<{ res: ResourceType; obj: KubeObject }> {
    const out: Array<{ res: ResourceType; obj: KubeObject }> = [];
    for (const res of NAMESPACED) {
      for (const obj of this.ctx.store.list(res, ns)) {
        if ((obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid)) out.push({ res, obj });
      }
    }
    return out;
  }

  private ownerGone(ns: string, uid: string): void {
    for (const { res, obj } of this.dependents(ns, uid)) {
      const others = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      if (others.length > 0) {
        const next = clone(obj);
        next.metadata.ownerReferences = others;
        this.ctx.api.update(res, next);
      } else if (!obj.metadata.deletionTimestamp) {
        this.ctx.api.delete(res, ns, String(obj.metadata.name), { propagationPolicy: 'Background' });
      }
    }
  }

  private syncForeground(ns: string, kind: string, name: string): void {
    const res = RESOURCES.find((r) => r.kind === kind && r.namespaced);
    const owner = res && this.ctx.store.get(res, ns, name);
    if (!res || !owner || !owner.metadata.deletionTimestamp || !(owner.metadata.finalizers ?? []).includes(FOREGROUND)) return;
    const deps = this.dependents(ns, String(owner.metadata.uid));
    for (const { res: depRes, obj } of deps) {
      if (!obj.metadata.deletionTimestamp) this.ctx.api.delete(depRes, ns, String(obj.metadata.name), { propagationPolicy: 'Foreground' });
    }
    if (deps.length > 0) return;
    const next = clone(owner);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
    this.ctx.api.update(res, next);
  }

  private syncNamespace(name: string): void {
    const ns = this.ctx.store.get(R.namespaces, undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const res of NAMESPACED) {
      for (const obj of this.ctx.store.list(res, name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) this.ctx.api.delete(res, name, String(obj.metadata.name));
      }
    }
    // The "kubernetes" finalizer is ours to remove once the namespace is empty.
    if (remaining === 0) this.ctx.store.remove(R.namespaces, undefined, name);
  }
}
