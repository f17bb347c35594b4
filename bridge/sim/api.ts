// The API verbs with their server-side semantics (defaulting, validation, optimistic
// concurrency, status vs spec, generation, graceful and cascading deletion). The HTTP routes,
// the controllers and the scenarios all go through this one class, so a scenario changes the
// cluster exactly as a kubectl command would. Every verb is synchronous: the store is memory.
import type { Clock } from './clock.ts';
import { applyDefaults } from './defaults.ts';
import { errors } from './errors.ts';
import { listObjects, type ListOptions, type ListResult } from './list.ts';
import type { NameSource } from './names.ts';
import { clone, deepEqual, rfc3339 } from './objects.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { R, groupVersion, type ResourceType } from './resources.ts';
import { labelSelectorString } from './selectors.ts';
import type { Store } from './store.ts';
import { strategicMergePatch } from './strategic.ts';
import type { KubeObject } from './types.ts';
import { validate } from './validate.ts';

export type { ListOptions, ListResult } from './list.ts';
export type PatchType = 'merge' | 'json' | 'strategic';
export type Subresource = 'status' | 'scale';

export interface WriteOptions {
  dryRun?: boolean;
  subresource?: Subresource;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  object: KubeObject;
  /** False while the object lingers (graceful pod deletion, finalizers): HTTP 202. */
  finished: boolean;
}

const WORKLOADS = new Set<ResourceType>([R.deployments, R.replicasets, R.statefulsets, R.daemonsets]);

export class SimApi {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly names: NameSource;
  private nextClusterIp = 10;

  constructor(opts: { store: Store; clock: Clock; names: NameSource }) {
    this.store = opts.store;
    this.clock = opts.clock;
    this.names = opts.names;
  }

  private now(): string {
    return rfc3339(this.clock.wallNow());
  }

  get(res: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.store.get(res, res.namespaced ? namespace : undefined, name);
    if (!obj) throw errors.notFound(res, name);
    return obj;
  }

  tryGet(res: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(res, res.namespaced ? namespace : undefined, name);
  }

  list(res: ResourceType, opts: ListOptions = {}): ListResult {
    return listObjects(this.store, res, opts);
  }

  create(res: ResourceType, input: KubeObject, opts: WriteOptions & { namespace?: string } = {}): KubeObject {
    const obj = clone(input);
    this.checkTypeMeta(res, obj);
    obj.metadata = obj.metadata ?? {};
    const meta = obj.metadata;
    if (res.namespaced) {
      const ns = opts.namespace ?? meta.namespace ?? 'default';
      if (meta.namespace && meta.namespace !== ns) throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = ns;
      const nsObj = this.store.get(R.namespaces, undefined, ns);
      if (!nsObj) throw errors.notFound(R.namespaces, ns);
      if (nsObj.metadata.deletionTimestamp) throw errors.forbidden(`${res.plural} "${meta.name ?? meta.generateName}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`);
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${this.names.suffix(5)}`;
      while (this.store.get(res, meta.namespace, meta.name));
    }
    if (meta.name && this.store.get(res, meta.namespace, meta.name)) throw errors.alreadyExists(res, meta.name);
    meta.uid = this.names.uid();
    meta.creationTimestamp = this.now();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.managedFields;
    if (WORKLOADS.has(res) || res === R.services) meta.generation = 1;
    else delete meta.generation;
    this.resetStatusOnCreate(res, obj);
    applyDefaults(res, obj);
    pruneEmptyMaps(obj);
    validate(res, obj);
    if (res === R.services) this.allocateClusterIp(obj);
    if (opts.dryRun) return obj;
    return this.store.put(res, obj);
  }

  update(res: ResourceType, input: KubeObject, opts: WriteOptions & { namespace?: string } = {}): KubeObject {
    const name = String(input.metadata?.name ?? '');
    const namespace = res.namespaced ? (opts.namespace ?? input.metadata?.namespace) : undefined;
    const old = this.get(res, namespace, name);
    if (input.metadata?.namespace && res.namespaced && input.metadata.namespace !== namespace) {
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const rv = input.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) {
      throw errors.conflict(res, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (input.metadata?.uid && input.metadata.uid !== old.metadata.uid) {
      throw errors.conflict(res, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    const next = clone(input);
    this.checkTypeMeta(res, next);
    let obj: KubeObject;
    if (opts.subresource === 'status') {
      obj = { ...clone(old), status: next.status };
    } else {
      obj = next;
      const keep = old.metadata;
      obj.metadata = { ...obj.metadata, namespace: keep.namespace, uid: keep.uid, creationTimestamp: keep.creationTimestamp };
      for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (keep[k] === undefined) delete obj.metadata[k];
        else (obj.metadata as Record<string, unknown>)[k] = keep[k];
      }
      delete obj.metadata.managedFields;
      if (res.subresources.includes('status')) {
        if (old.status === undefined) delete obj.status;
        else obj.status = clone(old.status);
      }
      applyDefaults(res, obj);
      pruneEmptyMaps(obj);
      if (obj.metadata.generation !== undefined && !deepEqual(old.spec, obj.spec)) obj.metadata.generation = (old.metadata.generation ?? 1) + 1;
      validate(res, obj, old);
    }
    return this.commit(res, old, obj, opts.dryRun);
  }

  patch(res: ResourceType, namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: WriteOptions = {}): KubeObject {
    if (opts.subresource === 'scale') return this.patchScale(res, namespace, name, type, body, opts);
    const current = this.get(res, namespace, name);
    const patched = applyPatch(type, current, body) as KubeObject;
    if (!patched || typeof patched !== 'object' || !patched.metadata) throw errors.badRequest('the patch removed the object metadata');
    // A patch is unconditional unless it carries its own resourceVersion.
    const requested = (body as KubeObject | undefined)?.metadata?.resourceVersion;
    patched.metadata.resourceVersion = type !== 'json' && requested ? requested : current.metadata.resourceVersion;
    return this.update(res, patched, { ...opts, namespace });
  }

  /** The pods/binding subresource: sets spec.nodeName and PodScheduled in one write. */
  bind(namespace: string, name: string, node: string): KubeObject {
    const pod = this.get(R.pods, namespace, name);
    if (pod.spec?.nodeName) throw errors.conflict(R.pods, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    if (pod.metadata.deletionTimestamp) throw errors.conflict(R.pods, name, 'pod is being deleted, cannot be assigned to a host');
    const next = clone(pod);
    next.spec.nodeName = node;
    const now = this.now();
    const conditions = (next.status?.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
    next.status = { ...next.status, conditions };
    return this.commit(R.pods, pod, next, false);
  }

  getScale(res: ResourceType, namespace: string | undefined, name: string): KubeObject {
    if (!res.subresources.includes('scale')) throw errors.notFound(res, `${name}/scale`);
    const obj = this.get(res, namespace, name);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name, namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      spec: { replicas: obj.spec?.replicas ?? 0 },
      status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
    };
  }

  updateScale(res: ResourceType, namespace: string | undefined, name: string, scale: KubeObject, opts: WriteOptions = {}): KubeObject {
    const obj = this.get(res, namespace, name);
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('Scale', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0` }]);
    }
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== obj.metadata.resourceVersion) throw errors.conflict(res, name, 'the object has been modified; please apply your changes to the latest version and try again');
    const next = clone(obj);
    next.spec.replicas = replicas;
    this.update(res, next, { namespace, dryRun: opts.dryRun });
    const after = opts.dryRun ? next : this.get(res, namespace, name);
    return { ...this.getScale(res, namespace, name), spec: { replicas: after.spec.replicas } };
  }

  private patchScale(res: ResourceType, namespace: string | undefined, name: string, type: PatchType, body: unknown, opts: WriteOptions): KubeObject {
    const scale = this.getScale(res, namespace, name);
    const patched = applyPatch(type, scale, body) as KubeObject;
    if (type === 'json' || !(body as KubeObject | undefined)?.metadata?.resourceVersion) delete patched.metadata.resourceVersion;
    return this.updateScale(res, namespace, name, patched, opts);
  }

  delete(res: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): DeleteResult {
    const obj = this.get(res, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) throw errors.conflict(res, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw errors.conflict(res, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    }
    if (opts.dryRun) return { object: obj, finished: true };
    if (opts.propagationPolicy === 'Orphan') this.orphanDependents(obj);
    const next = clone(obj);
    const meta = next.metadata;
    const graceful = res === R.pods ? this.podGrace(obj, opts.gracePeriodSeconds) : 0;
    if (res === R.namespaces) {
      meta.deletionTimestamp ??= this.now();
      next.status = { ...next.status, phase: 'Terminating' };
      return { object: this.commit(res, obj, next, false), finished: false };
    }
    if (opts.propagationPolicy === 'Foreground' && !(meta.finalizers ?? []).includes('foregroundDeletion')) {
      meta.finalizers = [...(meta.finalizers ?? []), 'foregroundDeletion'];
    }
    if (graceful > 0) {
      const wanted = this.clock.wallNow() + graceful * 1000;
      const current = meta.deletionTimestamp ? Date.parse(meta.deletionTimestamp) : Infinity;
      // A second delete may shorten the grace period, never lengthen it.
      if (wanted < current) {
        meta.deletionTimestamp = rfc3339(wanted);
        meta.deletionGracePeriodSeconds = graceful;
      }
      return { object: this.commit(res, obj, next, false), finished: false };
    }
    if ((meta.finalizers ?? []).length > 0) {
      meta.deletionTimestamp ??= this.now();
      meta.deletionGracePeriodSeconds ??= 0;
      return { object: this.commit(res, obj, next, false), finished: false };
    }
    const last = this.store.remove(res, obj.metadata.namespace, name) ?? obj;
    return { object: last, finished: true };
  }

  deleteCollection(res: ResourceType, list: ListOptions, opts: DeleteOptions = {}): ListResult {
    const found = this.list(res, { ...list, limit: undefined, continue: undefined });
    const items = found.items.map((o) => this.delete(res, o.metadata.namespace, String(o.metadata.name), opts).object);
    return { items, resourceVersion: String(this.store.resourceVersion) };
  }

  /** Writes `next` unless nothing changed, and finishes a deletion whose finalizers are gone. */
  private commit(res: ResourceType, old: KubeObject, next: KubeObject, dryRun: boolean | undefined): KubeObject {
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    if (deepEqual(old, next)) return old;
    if (dryRun) return next;
    const meta = next.metadata;
    const lingering = res === R.pods ? (meta.deletionGracePeriodSeconds ?? 0) > 0 : res === R.namespaces;
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && !lingering) {
      return this.store.remove(res, meta.namespace, String(meta.name)) ?? next;
    }
    return this.store.put(res, next);
  }

  private podGrace(pod: KubeObject, requested: number | undefined): number {
    if (!pod.spec?.nodeName) return 0; // never ran: nothing to shut down
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return 0;
    const grace = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, grace);
  }

  private orphanDependents(owner: KubeObject): void {
    for (const res of [R.replicasets, R.pods]) {
      for (const dep of this.store.list(res, owner.metadata.namespace)) {
        const refs = dep.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === owner.metadata.uid)) continue;
        const next = clone(dep);
        next.metadata.ownerReferences = refs.filter((r) => r.uid !== owner.metadata.uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.store.put(res, next);
      }
    }
  }

  private checkTypeMeta(res: ResourceType, obj: KubeObject): void {
    const gv = groupVersion(res);
    if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
      throw errors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv})`);
    }
    if (obj.kind !== undefined && obj.kind !== res.kind) {
      throw errors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${res.kind})`);
    }
    obj.apiVersion = gv;
    obj.kind = res.kind;
  }

  private resetStatusOnCreate(res: ResourceType, obj: KubeObject): void {
    if (res === R.nodes) return; // nodes may be created with their status, as kubelets do
    if (res === R.pods) obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
    else if (res === R.namespaces) obj.status = { phase: 'Active' };
    else if (res === R.services) obj.status = { loadBalancer: {} };
    else if (res.subresources.includes('status')) obj.status = {};
  }

  private allocateClusterIp(svc: KubeObject): void {
    if (svc.spec.clusterIP === 'None' || svc.spec.type === 'ExternalName') return;
    if (!svc.spec.clusterIP) {
      const n = this.nextClusterIp++;
      svc.spec.clusterIP = `10.96.${(n >> 8) & 255}.${n & 255}`;
    }
    svc.spec.clusterIPs = [svc.spec.clusterIP];
  }
}

/** Go's omitempty drops empty label and annotation maps; so do we, or templates stop comparing equal. */
function pruneEmptyMaps(obj: KubeObject): void {
  for (const meta of [obj.metadata, obj.spec?.template?.metadata]) {
    if (!meta) continue;
    for (const k of ['labels', 'annotations']) {
      const v = meta[k];
      if (v && typeof v === 'object' && Object.keys(v).length === 0) delete meta[k];
    }
  }
}

export function applyPatch(type: PatchType, current: unknown, body: unknown): unknown {
  switch (type) {
    case 'merge': return mergePatch(current, body);
    case 'json': return jsonPatch(current, body);
    case 'strategic': return strategicMergePatch(current, body);
  }
}
