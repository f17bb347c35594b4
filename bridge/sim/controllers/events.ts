// Events for what the simulator does, as the real components record them (reasons, messages
// and sources as kubectl shows them): the scheduler's Scheduled, the kubelet's Pulled, Created,
// Started, Killing and BackOff, the ReplicaSet controller's SuccessfulCreate/SuccessfulDelete,
// the Deployment controller's ScalingReplicaSet, node Ready changes. Each is written twice, as
// core/v1 and events.k8s.io/v1 Events, so `kubectl get events -A` and `kubectl events` both see
// what the demo page's live log shows. Like the real server, only recent events are kept.
import type { StoredEvent } from '../history.ts';
import { getCondition } from '../objects.ts';
import { R } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';

/** Most events kept per cluster (each kind); the oldest go first. */
export const EVENTS_KEPT = 1000;

interface Pending {
  regarding: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  component: string;
  host?: string;
  action: string;
}

const owner = (o: KubeObject, kind: string) => (o.metadata.ownerReferences ?? []).find((r: any) => r.kind === kind && r.controller);
const container = (p: KubeObject) => String(p.spec?.containers?.[0]?.name ?? 'app');
const started = (p: KubeObject | undefined) => (p?.status?.containerStatuses ?? []).filter((c: any) => c.state?.running).length + (p?.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + Number(c.restartCount ?? 0), 0);
const waiting = (p: KubeObject | undefined) => (p?.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).find(Boolean);

export class EventRecorder implements Controller {
  readonly name = 'events';
  private readonly pending = new Map<string, Pending>();
  /** The events written, oldest first (namespace, name): trimming costs O(1) per event. */
  private readonly written: Array<[string, string]> = [];
  private seq = 0;

  constructor(private readonly ctx: ControllerContext) {}

  keysFor(ev: StoredEvent): string[] {
    const found = this.describe(ev);
    return found.map((p) => {
      const key = `event-${++this.seq}`;
      this.pending.set(key, p);
      return key;
    });
  }

  sync(key: string): void {
    const p = this.pending.get(key);
    this.pending.delete(key);
    if (!p) return;
    // Wall-clock like every timestamp in objects (ages in kubectl), whole seconds like the real server's.
    const exact = new Date(this.ctx.clock.wallNow()).toISOString();
    const now = exact.replace(/\.\d+Z$/, 'Z');
    const r = p.regarding;
    const namespace = r.metadata.namespace ?? 'default';
    const name = `${r.metadata.name}.${(this.ctx.clock.now() * 1000 + (this.seq % 1000)).toString(16)}${this.ctx.names.suffix(4)}`;
    const ref = { kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name, uid: r.metadata.uid, apiVersion: r.apiVersion, resourceVersion: r.metadata.resourceVersion };
    this.ctx.api.create(R.events, {
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace },
      involvedObject: ref, reason: p.reason, message: p.message, type: p.type,
      source: { component: p.component, ...(p.host ? { host: p.host } : {}) },
      firstTimestamp: now, lastTimestamp: now, count: 1, eventTime: null,
      reportingComponent: p.component, reportingInstance: p.host ?? '',
    });
    this.ctx.api.create(R.eventsV1, {
      apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name, namespace },
      eventTime: exact.replace('Z', '000Z'), reportingController: p.component, reportingInstance: p.host ?? p.component,
      action: p.action, reason: p.reason, regarding: ref, note: p.message, type: p.type,
      deprecatedSource: { component: p.component, ...(p.host ? { host: p.host } : {}) }, deprecatedFirstTimestamp: now, deprecatedLastTimestamp: now, deprecatedCount: 1,
    });
    this.written.push([namespace, name]);
    while (this.written.length > EVENTS_KEPT) {
      const [ns, old] = this.written.shift()!;
      for (const res of [R.events, R.eventsV1]) if (this.ctx.store.get(res, ns, old)) this.ctx.api.delete(res, ns, old);
    }
  }

  private describe(ev: StoredEvent): Pending[] {
    const o = ev.object;
    if (ev.resource === R.pods) return this.pod(ev);
    if (ev.resource === R.replicasets && ev.type !== 'DELETED') {
      const d = owner(o, 'Deployment');
      const was = ev.type === 'ADDED' ? 0 : Number(ev.prev?.spec?.replicas ?? 0);
      const now = Number(o.spec?.replicas ?? 0);
      if (!d || was === now) return [];
      const deployment = this.ctx.store.get(R.deployments, o.metadata.namespace, d.name);
      if (!deployment) return [];
      return [{ regarding: deployment, type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${now > was ? 'up' : 'down'} replica set ${o.metadata.name} from ${was} to ${now}`, component: 'deployment-controller', action: 'Scaling' }];
    }
    if (ev.resource === R.nodes && ev.type === 'MODIFIED') {
      const ready = (n: KubeObject | undefined) => getCondition(n?.status?.conditions, 'Ready')?.status;
      if (ready(o) === ready(ev.prev)) return [];
      const isReady = ready(o) === 'True';
      return [{ regarding: o, type: 'Normal', reason: isReady ? 'NodeReady' : 'NodeNotReady', message: `Node ${o.metadata.name} status is now: ${isReady ? 'NodeReady' : 'NodeNotReady'}`, component: isReady ? 'kubelet' : 'node-controller', host: isReady ? String(o.metadata.name) : undefined, action: 'NodeStatus' }];
    }
    return [];
  }

  private pod(ev: StoredEvent): Pending[] {
    const p = ev.object;
    const prev = ev.prev;
    const rs = owner(p, 'ReplicaSet');
    const rsObject = rs ? this.ctx.store.get(R.replicasets, p.metadata.namespace, rs.name) : undefined;
    const out: Pending[] = [];
    const host = p.spec?.nodeName as string | undefined;
    if (ev.type === 'ADDED') {
      if (rsObject) out.push({ regarding: rsObject, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${p.metadata.name}`, component: 'replicaset-controller', action: 'Create' });
      return out;
    }
    if (ev.type === 'DELETED') return out;
    if (!prev?.spec?.nodeName && host) {
      out.push({ regarding: p, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ${p.metadata.namespace}/${p.metadata.name} to ${host}`, component: 'default-scheduler', action: 'Binding' });
    }
    if (started(p) > started(prev)) {
      const c = container(p);
      out.push(
        { regarding: p, type: 'Normal', reason: 'Pulled', message: `Container image "${p.spec?.containers?.[0]?.image ?? ''}" already present on machine`, component: 'kubelet', host, action: 'Pulled' },
        { regarding: p, type: 'Normal', reason: 'Created', message: `Created container: ${c}`, component: 'kubelet', host, action: 'Created' },
        { regarding: p, type: 'Normal', reason: 'Started', message: `Started container ${c}`, component: 'kubelet', host, action: 'Started' },
      );
    }
    if (waiting(p) === 'CrashLoopBackOff' && waiting(prev) !== 'CrashLoopBackOff') {
      out.push({ regarding: p, type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container ${container(p)} in pod ${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`, component: 'kubelet', host, action: 'BackOff' });
    }
    if (p.metadata.deletionTimestamp && !prev?.metadata.deletionTimestamp) {
      if (host) out.push({ regarding: p, type: 'Normal', reason: 'Killing', message: `Stopping container ${container(p)}`, component: 'kubelet', host, action: 'Killing' });
      if (rsObject) out.push({ regarding: rsObject, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${p.metadata.name}`, component: 'replicaset-controller', action: 'Delete' });
    }
    return out;
  }
}
