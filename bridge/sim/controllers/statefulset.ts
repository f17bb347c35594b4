// The StatefulSet controller: pods <name>-0..N-1 with stable names, created in order (each one
// waits for its predecessor to be Running and Ready under OrderedReady), removed from the
// highest ordinal down, and rolled from the highest ordinal down to the partition, one at a time.
import type { StoredEvent } from '../history.ts';
import { controllerOf, deepEqual, ownerRef } from '../objects.ts';
import { R } from '../resources.ts';
import { templateHash } from '../names.ts';
import type { KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { availability, isReady, podFromTemplate } from './podutil.ts';

const REVISION_LABEL = 'controller-revision-hash';

function ordinalOf(sts: KubeObject, pod: KubeObject): number {
  const prefix = `${sts.metadata.name}-`;
  const name = String(pod.metadata.name);
  if (!name.startsWith(prefix)) return -1;
  const n = Number(name.slice(prefix.length));
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function runningAndReady(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && isReady(pod) && !pod.metadata.deletionTimestamp;
}

export class StatefulSetController implements Controller {
  readonly name = 'statefulset';
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.statefulsets).map((s) => keyOf(s.metadata.namespace, s.metadata.name));
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource === R.statefulsets) return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
    if (ev.resource !== R.pods) return [];
    const ref = controllerOf(ev.object);
    return ref?.kind === 'StatefulSet' ? [keyOf(ev.object.metadata.namespace, ref.name)] : [];
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const sts = this.ctx.store.get(R.statefulsets, namespace, name);
    if (!sts || sts.metadata.deletionTimestamp) return;
    const updateRevision = `${name}-${templateHash(sts.spec?.template)}`;
    const pods = this.ctx.store.list(R.pods, namespace).filter((p) => controllerOf(p)?.uid === sts.metadata.uid);
    this.manage(sts, pods, updateRevision);
    const after = this.ctx.store.list(R.pods, namespace).filter((p) => controllerOf(p)?.uid === sts.metadata.uid);
    this.updateStatus(sts, after, updateRevision);
  }

  private manage(sts: KubeObject, pods: KubeObject[], updateRevision: string): void {
    const replicas = Number(sts.spec?.replicas ?? 1);
    const ordered = sts.spec?.podManagementPolicy !== 'Parallel';
    const byOrdinal = new Map<number, KubeObject>();
    for (const p of pods) byOrdinal.set(ordinalOf(sts, p), p);
    const ns = String(sts.metadata.namespace);
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (!pod) {
        this.createPod(sts, i, updateRevision);
        if (ordered) return;
        continue;
      }
      if (ordered && !runningAndReady(pod)) return;
    }
    const condemned = pods.filter((p) => ordinalOf(sts, p) >= replicas).sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
    if (condemned.length > 0) {
      if (ordered && condemned.some((p) => p.metadata.deletionTimestamp)) return;
      for (const p of ordered ? condemned.slice(0, 1) : condemned) {
        if (!p.metadata.deletionTimestamp) this.ctx.api.delete(R.pods, ns, String(p.metadata.name));
      }
      return;
    }
    if (sts.spec?.updateStrategy?.type === 'OnDelete') return;
    // Rolling update: only when every pod is up, one pod at a time, highest ordinal first.
    if ([...byOrdinal.values()].some((p) => !runningAndReady(p))) return;
    const partition = Number(sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = byOrdinal.get(i);
      if (pod && pod.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
        this.ctx.api.delete(R.pods, ns, String(pod.metadata.name));
        return;
      }
    }
  }

  private createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    const pod = podFromTemplate({ template: sts.spec?.template, namespace: String(sts.metadata.namespace), owner: ownerRef(sts), name });
    pod.metadata.labels = {
      ...pod.metadata.labels,
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': name,
      'apps.kubernetes.io/pod-index': String(ordinal),
    };
    pod.spec.hostname = name;
    if (sts.spec?.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    this.ctx.api.create(R.pods, pod);
  }

  private updateStatus(sts: KubeObject, pods: KubeObject[], updateRevision: string): void {
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    const replicas = Number(sts.spec?.replicas ?? 1);
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    let currentRevision: string = sts.status?.currentRevision ?? updateRevision;
    // The rollout is done when every wanted replica runs the update revision.
    if (updated === replicas && live.length === replicas) currentRevision = updateRevision;
    const minReady = Number(sts.spec?.minReadySeconds ?? 0);
    const status: Record<string, unknown> = {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: live.filter(isReady).length,
      currentReplicas: live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
      updatedReplicas: updated,
      availableReplicas: live.filter((p) => availability(p, minReady, this.ctx.clock).available).length,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[k] === 0) delete status[k];
    if (deepEqual(sts.status, status)) return;
    this.ctx.api.update(R.statefulsets, { ...sts, status }, { subresource: 'status' });
  }
}
