// The DaemonSet controller: one pod per eligible node (nodeSelector, required node affinity,
// NoSchedule taints), pinned to its node through node affinity as Kubernetes does, and a
// RollingUpdate that replaces at most maxUnavailable pods at a time.
import type { StoredEvent } from '../history.ts';
import { controllerOf, deepEqual, ownerRef, scaledValue } from '../objects.ts';
import { R } from '../resources.ts';
import { templateHash } from '../names.ts';
import type { KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { availability, isActive, isReady, podFromTemplate } from './podutil.ts';

const REVISION_LABEL = 'controller-revision-hash';

const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function eligible(ds: KubeObject, node: KubeObject): boolean {
  const selector: Record<string, string> = ds.spec?.template?.spec?.nodeSelector ?? {};
  if (!Object.entries(selector).every(([k, v]) => node.metadata.labels?.[k] === v)) return false;
  const tolerations: any[] = [...(ds.spec?.template?.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS];
  return (node.spec?.taints ?? []).every((t: any) => t.effect !== 'NoSchedule' || t.key?.startsWith('node.kubernetes.io/') ||
    tolerations.some((x) => (x.operator === 'Exists' ? !x.key || x.key === t.key : x.key === t.key && x.value === t.value) && (!x.effect || x.effect === t.effect)));
}

export class DaemonSetController implements Controller {
  readonly name = 'daemonset';
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.daemonsets).map((d) => keyOf(d.metadata.namespace, d.metadata.name));
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource === R.daemonsets) return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
    if (ev.resource === R.nodes && ev.type !== 'MODIFIED') return this.initialKeys();
    if (ev.resource === R.nodes && !deepEqual(ev.object.metadata.labels, ev.prev?.metadata.labels)) return this.initialKeys();
    if (ev.resource !== R.pods) return [];
    const ref = controllerOf(ev.object);
    return ref?.kind === 'DaemonSet' ? [keyOf(ev.object.metadata.namespace, ref.name)] : [];
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = this.ctx.store.get(R.daemonsets, namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = templateHash(ds.spec?.template);
    const nodes = this.ctx.store.list(R.nodes).filter((n) => eligible(ds, n));
    const nodeNames = new Set(nodes.map((n) => String(n.metadata.name)));
    const owned = () => this.ctx.store.list(R.pods, namespace).filter((p) => controllerOf(p)?.uid === ds.metadata.uid);
    const nodeOf = (p: KubeObject) => String(p.spec?.nodeName ?? p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '');
    const ns = String(namespace);
    let pods = owned();
    for (const p of pods) if (isActive(p) && !nodeNames.has(nodeOf(p))) this.ctx.api.delete(R.pods, ns, String(p.metadata.name));
    for (const node of nodes) {
      const here = pods.filter((p) => isActive(p) && nodeOf(p) === node.metadata.name);
      if (here.length === 0) this.createPod(ds, String(node.metadata.name), hash);
      for (const extra of here.slice(1)) this.ctx.api.delete(R.pods, ns, String(extra.metadata.name));
    }
    pods = owned();
    if (ds.spec?.updateStrategy?.type === 'RollingUpdate') {
      const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxUnavailable, nodes.length, true, '1'));
      const minReady = Number(ds.spec?.minReadySeconds ?? 0);
      const active = pods.filter(isActive);
      let unavailable = nodes.filter((n) => !active.some((p) => nodeOf(p) === n.metadata.name && availability(p, minReady, this.ctx.clock).available)).length;
      const old = active.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash)
        .sort((a, b) => Number(isReady(a)) - Number(isReady(b)));
      for (const p of old) {
        const wasAvailable = availability(p, minReady, this.ctx.clock).available;
        if (wasAvailable && unavailable >= maxUnavailable) break;
        this.ctx.api.delete(R.pods, ns, String(p.metadata.name));
        if (wasAvailable) unavailable++;
      }
    }
    this.updateStatus(ds, owned(), nodes, hash, nodeOf);
  }

  private createPod(ds: KubeObject, node: string, hash: string): void {
    const pod = podFromTemplate({ template: ds.spec?.template, namespace: String(ds.metadata.namespace), owner: ownerRef(ds), generateName: `${ds.metadata.name}-` });
    pod.metadata.labels = { ...pod.metadata.labels, [REVISION_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
    pod.spec.affinity = {
      ...pod.spec.affinity,
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] } },
    };
    const tolerations: any[] = pod.spec.tolerations ?? [];
    for (const t of DAEMON_TOLERATIONS) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
    pod.spec.tolerations = tolerations;
    this.ctx.api.create(R.pods, pod);
  }

  private updateStatus(ds: KubeObject, pods: KubeObject[], nodes: KubeObject[], hash: string, nodeOf: (p: KubeObject) => string): void {
    const active = pods.filter(isActive);
    const minReady = Number(ds.spec?.minReadySeconds ?? 0);
    const names = new Set(nodes.map((n) => String(n.metadata.name)));
    const onNode = (n: KubeObject) => active.filter((p) => nodeOf(p) === n.metadata.name);
    const available = nodes.filter((n) => onNode(n).some((p) => availability(p, minReady, this.ctx.clock).available)).length;
    const status: Record<string, unknown> = {
      currentNumberScheduled: nodes.filter((n) => onNode(n).length > 0).length,
      numberMisscheduled: active.filter((p) => !names.has(nodeOf(p))).length,
      desiredNumberScheduled: nodes.length,
      numberReady: nodes.filter((n) => onNode(n).some(isReady)).length,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: nodes.filter((n) => onNode(n).some((p) => p.metadata.labels?.[REVISION_LABEL] === hash)).length,
      numberAvailable: available,
      numberUnavailable: nodes.length - available,
    };
    for (const k of ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (status[k] === 0) delete status[k];
    if (deepEqual(ds.status, status)) return;
    this.ctx.api.update(R.daemonsets, { ...ds, status }, { subresource: 'status' });
  }
}
