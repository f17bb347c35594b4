// The Deployment controller: finds or creates the ReplicaSet for the current template
// (`<name>-<pod-template-hash>`), drives RollingUpdate or Recreate with the arithmetic in
// deployment-rollout.ts, scales proportionally mid-rollout, prunes history and writes status.
import { errors, isStatusError } from '../errors.ts';
import type { StoredEvent } from '../history.ts';
import { clone, controllerOf, deepEqual, getCondition, ownerRef, rfc3339, setCondition } from '../objects.ts';
import { R } from '../resources.ts';
import { labelSelectorFromSpec } from '../selectors.ts';
import { templateHash } from '../names.ts';
import type { KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { newRSNewReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets, scaleProportionally } from './deployment-rollout.ts';
import { REASON, deadlineIn, rolloutStatus } from './deployment-status.ts';
import {
  DESIRED_REPLICAS, HASH_LABEL, MAX_REPLICAS, REVISION, byCreation, equalIgnoreHash, isComplete, isRolling, maxSurge, replicas, revisionOf, settled,
} from './deployment-util.ts';

const NOT_COPIED = new Set([REVISION, DESIRED_REPLICAS, MAX_REPLICAS, 'kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision-history']);

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.deployments).map((d) => keyOf(d.metadata.namespace, d.metadata.name));
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource === R.deployments) return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
    if (ev.resource === R.replicasets) {
      const ref = controllerOf(ev.object) ?? (ev.prev && controllerOf(ev.prev));
      if (ref?.kind === 'Deployment') return [keyOf(ev.object.metadata.namespace, ref.name)];
      if (ev.type === 'ADDED') return this.selecting(ev.object);
      return [];
    }
    // Recreate waits for old pods to be gone entirely, so their removal must wake it up.
    if (ev.resource === R.pods && ev.type === 'DELETED') {
      const ref = controllerOf(ev.object);
      if (ref?.kind !== 'ReplicaSet') return [];
      const rs = this.ctx.store.get(R.replicasets, ev.object.metadata.namespace, ref.name);
      const dref = rs && controllerOf(rs);
      if (dref?.kind === 'Deployment') return [keyOf(ev.object.metadata.namespace, dref.name)];
    }
    return [];
  }

  private selecting(rs: KubeObject): string[] {
    return this.ctx.store.list(R.deployments, rs.metadata.namespace)
      .filter((d) => labelSelectorFromSpec(d.spec?.selector).matches(rs.metadata.labels))
      .map((d) => keyOf(d.metadata.namespace, d.metadata.name));
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = this.ctx.store.get(R.deployments, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const rsList = this.claimReplicaSets(d);
    // Act only on what the ReplicaSet controller has caught up with, so counts are never stale.
    if (!rsList.every(settled)) return;
    const scale = (rs: KubeObject, to: number) => this.scaleReplicaSet(d, rs, to);
    const scalingEvent = rsList.some((rs) => replicas(rs) > 0 && rs.metadata.annotations?.[DESIRED_REPLICAS] !== String(replicas(d)));
    if (d.spec?.paused || scalingEvent) {
      const { newRS, oldRSs } = this.newAndOld(d, rsList, false);
      scaleProportionally(d, newRS, oldRSs, scale);
      return this.finish(d, newRS);
    }
    if (isRolling(d)) {
      const { newRS, oldRSs } = this.newAndOld(d, rsList, true);
      const all = [...oldRSs, newRS as KubeObject];
      if (reconcileNewReplicaSet(d, all, newRS as KubeObject, scale)) return this.finish(d, newRS);
      const activeOld = oldRSs.filter((rs) => replicas(rs) > 0);
      if (reconcileOldReplicaSets(d, all, activeOld, newRS as KubeObject, scale)) return this.finish(d, newRS);
      return this.finish(d, newRS);
    }
    // Recreate: everything old goes, and only once no old pod exists does the new version start.
    let { newRS, oldRSs } = this.newAndOld(d, rsList, false);
    let scaled = false;
    for (const rs of oldRSs) if (replicas(rs) > 0) { scale(rs, 0); scaled = true; }
    if (scaled || this.oldPodsRunning(newRS, oldRSs)) return this.finish(d, newRS);
    if (!newRS) ({ newRS, oldRSs } = this.newAndOld(d, rsList, true));
    if (newRS && replicas(newRS) !== replicas(d)) scale(newRS, replicas(d));
    return this.finish(d, newRS);
  }

  private finish(d: KubeObject, newRS: KubeObject | undefined): void {
    const fresh = this.ctx.store.get(R.deployments, d.metadata.namespace, String(d.metadata.name)) ?? d;
    const list = this.ctx.store.list(R.replicasets, d.metadata.namespace).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const nrs = newRS && list.find((rs) => rs.metadata.uid === newRS.metadata.uid);
    const olds = list.filter((rs) => rs !== nrs);
    const status = rolloutStatus({ d: fresh, allRSs: list, newRS: nrs, clock: this.ctx.clock });
    if (isComplete(fresh, status)) this.cleanup(fresh, olds);
    if (!deepEqual(fresh.status, status)) this.ctx.api.update(R.deployments, { ...fresh, status }, { subresource: 'status' });
    const after = this.ctx.store.get(R.deployments, d.metadata.namespace, String(d.metadata.name));
    const wait = after && deadlineIn(after, this.ctx.clock);
    if (wait !== undefined) this.ctx.manager.enqueueAfter(this, keyOf(d.metadata.namespace, d.metadata.name), wait + 1);
  }

  private claimReplicaSets(d: KubeObject): KubeObject[] {
    const selector = labelSelectorFromSpec(d.spec?.selector);
    const out: KubeObject[] = [];
    for (const rs of this.ctx.store.list(R.replicasets, d.metadata.namespace)) {
      const ref = controllerOf(rs);
      if (ref?.uid === d.metadata.uid) out.push(rs);
      else if (!ref && !rs.metadata.deletionTimestamp && selector.matches(rs.metadata.labels)) {
        const adopted = clone(rs);
        adopted.metadata.ownerReferences = [...(rs.metadata.ownerReferences ?? []), ownerRef(d)];
        out.push(this.ctx.api.update(R.replicasets, adopted));
      }
    }
    return out;
  }

  private oldPodsRunning(newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
    if (oldRSs.some((rs) => Number(rs.status?.replicas ?? 0) > 0)) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata.uid));
    return this.ctx.store.list(R.pods, newRS?.metadata.namespace ?? oldRSs[0]?.metadata.namespace).some((p) => {
      const ref = controllerOf(p);
      const phase = p.status?.phase;
      return ref !== undefined && oldUids.has(ref.uid) && phase !== 'Succeeded' && phase !== 'Failed';
    });
  }

  /** Splits owned ReplicaSets into the one matching the template and the rest; may create it. */
  private newAndOld(d: KubeObject, rsList: KubeObject[], create: boolean): { newRS: KubeObject | undefined; oldRSs: KubeObject[] } {
    const matching = rsList.filter((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template)).sort(byCreation);
    let newRS = matching[0];
    const oldRSs = rsList.filter((rs) => rs !== newRS);
    const revision = String(oldRSs.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0) + 1);
    if (newRS) {
      const ann = { ...newRS.metadata.annotations };
      if (revisionOf(newRS) < Number(revision)) ann[REVISION] = revision;
      ann[DESIRED_REPLICAS] ??= String(replicas(d));
      ann[MAX_REPLICAS] ??= String(replicas(d) + maxSurge(d));
      const minReady = d.spec?.minReadySeconds;
      if (!deepEqual(ann, newRS.metadata.annotations) || newRS.spec?.minReadySeconds !== minReady) {
        const next = clone(newRS);
        next.metadata.annotations = ann;
        if (minReady === undefined) delete next.spec.minReadySeconds;
        else next.spec.minReadySeconds = minReady;
        newRS = this.ctx.api.update(R.replicasets, next);
      }
    } else if (create) {
      newRS = this.createReplicaSet(d, oldRSs, revision);
    }
    if (newRS) this.syncDeploymentRevision(d, newRS);
    return { newRS, oldRSs };
  }

  private createReplicaSet(d: KubeObject, oldRSs: KubeObject[], revision: string): KubeObject {
    for (let attempt = 0; attempt < 10; attempt++) {
      const collisions = Number(d.status?.collisionCount ?? 0) + attempt;
      const hash = templateHash(d.spec?.template, collisions);
      const template = clone(d.spec?.template ?? {});
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
      const selector = clone(d.spec?.selector ?? {});
      selector.matchLabels = { ...selector.matchLabels, [HASH_LABEL]: hash };
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) annotations[k] = v;
      annotations[REVISION] = revision;
      annotations[DESIRED_REPLICAS] = String(replicas(d));
      annotations[MAX_REPLICAS] = String(replicas(d) + maxSurge(d));
      const rs: KubeObject = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: { ...template.metadata.labels },
          annotations,
          ownerReferences: [ownerRef(d)],
        },
        spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
      };
      if (rs.spec.minReadySeconds === undefined) delete rs.spec.minReadySeconds;
      rs.spec.replicas = newRSNewReplicas(d, oldRSs, undefined);
      try {
        const created = this.ctx.api.create(R.replicasets, rs);
        this.setProgressing(d, REASON.newRSCreated, `Created new replica set "${created.metadata.name}"`);
        return created;
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
        const existing = this.ctx.store.get(R.replicasets, d.metadata.namespace, String(rs.metadata.name));
        if (existing && controllerOf(existing)?.uid === d.metadata.uid && equalIgnoreHash(existing.spec?.template, d.spec?.template)) return existing;
        // A hash collision: bump collisionCount so the next hash differs, as Kubernetes does.
        const fresh = this.ctx.api.get(R.deployments, d.metadata.namespace, String(d.metadata.name));
        this.ctx.api.update(R.deployments, { ...fresh, status: { ...fresh.status, collisionCount: collisions + 1 } }, { subresource: 'status' });
      }
    }
    throw errors.internal(`could not find a free ReplicaSet name for deployment ${d.metadata.name}`);
  }

  private setProgressing(d: KubeObject, reason: string, message: string): void {
    const fresh = this.ctx.api.get(R.deployments, d.metadata.namespace, String(d.metadata.name));
    const now = rfc3339(this.ctx.clock.wallNow());
    const conditions = setCondition(clone(fresh.status?.conditions ?? []), { type: 'Progressing', status: 'True', reason, message, lastUpdateTime: now }, now);
    (getCondition(conditions, 'Progressing') as { lastUpdateTime?: string }).lastUpdateTime = now;
    this.ctx.api.update(R.deployments, { ...fresh, status: { ...fresh.status, conditions } }, { subresource: 'status' });
  }

  private syncDeploymentRevision(d: KubeObject, newRS: KubeObject): void {
    const fresh = this.ctx.api.get(R.deployments, d.metadata.namespace, String(d.metadata.name));
    const rev = newRS.metadata.annotations?.[REVISION];
    if (!rev || fresh.metadata.annotations?.[REVISION] === rev) return;
    const next = clone(fresh);
    next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: rev };
    this.ctx.api.update(R.deployments, next);
  }

  private scaleReplicaSet(d: KubeObject, rs: KubeObject, to: number): void {
    const fresh = this.ctx.api.get(R.replicasets, rs.metadata.namespace, String(rs.metadata.name));
    const next = clone(fresh);
    next.spec.replicas = to;
    next.metadata.annotations = {
      ...next.metadata.annotations,
      [DESIRED_REPLICAS]: String(replicas(d)),
      [MAX_REPLICAS]: String(replicas(d) + maxSurge(d)),
    };
    this.ctx.api.update(R.replicasets, next);
  }

  /** Keeps at most revisionHistoryLimit old, empty ReplicaSets (oldest removed first). */
  private cleanup(d: KubeObject, oldRSs: KubeObject[]): void {
    const limit = Number(d.spec?.revisionHistoryLimit ?? 10);
    const empty = oldRSs
      .filter((rs) => !rs.metadata.deletionTimestamp && replicas(rs) === 0 && Number(rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of empty.slice(0, Math.max(0, empty.length - limit))) {
      this.ctx.api.delete(R.replicasets, rs.metadata.namespace, String(rs.metadata.name));
    }
  }
}
