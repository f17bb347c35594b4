// Server-side printing: the meta.k8s.io/v1 Table responses `kubectl get` asks for, with the
// columns the real API server prints for each type (priority 1 columns appear with -o wide).
import { getCondition } from '../objects.ts';
import { R, type ResourceType } from '../resources.ts';
import { labelSelectorString } from '../selectors.ts';
import type { KubeObject } from '../types.ts';
import { age } from './age.ts';

interface Column {
  name: string;
  type: 'string' | 'integer';
  format?: string;
  priority?: number;
  description?: string;
  cell(o: KubeObject, now: number): string | number;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => String(o.metadata.name) };
const ageCol: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o, now) => age(o.metadata.creationTimestamp, now) };
const n = (v: unknown) => Number(v ?? 0);
const containers = (o: KubeObject) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => c.name).join(',');
const images = (o: KubeObject) => (o.spec?.template?.spec?.containers ?? []).map((c: any) => c.image).join(',');

function podStatus(pod: KubeObject): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let running = false;
  for (const cs of [...statuses].reverse()) {
    restarts += n(cs.restartCount);
    const fin = cs.lastState?.terminated?.finishedAt;
    if (fin && (!lastRestart || fin > lastRestart)) lastRestart = fin;
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated) reason = cs.state.terminated.reason ?? (cs.state.terminated.signal ? `Signal:${cs.state.terminated.signal}` : `ExitCode:${cs.state.terminated.exitCode}`);
    else if (cs.state?.running && cs.ready) {
      running = true;
      ready++;
    } else if (cs.state?.running) running = true;
  }
  if (reason === 'Completed' && running) reason = getCondition(pod.status?.conditions, 'Ready')?.status === 'True' ? 'Running' : 'NotReady';
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return { reason, ready, total: (pod.spec?.containers ?? []).length, restarts, lastRestart };
}

const COLUMNS = new Map<ResourceType, Column[]>([
  [R.pods, [
    name,
    { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.', cell: (o) => { const s = podStatus(o); return `${s.ready}/${s.total}`; } },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (o) => podStatus(o).reason },
    { name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.', cell: (o, now) => { const s = podStatus(o); return s.lastRestart ? `${s.restarts} (${age(s.lastRestart, now)} ago)` : s.restarts; } },
    ageCol,
    { name: 'IP', type: 'string', priority: 1, description: 'IP address allocated to the pod.', cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', type: 'string', priority: 1, description: 'Name of the Node this pod is assigned to.', cell: (o) => o.spec?.nodeName ?? '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, description: 'Nominated node.', cell: (o) => o.status?.nominatedNodeName ?? '<none>' },
    { name: 'Readiness Gates', type: 'string', priority: 1, description: 'Readiness gates.', cell: () => '<none>' },
  ]],
  [R.nodes, [
    name,
    { name: 'Status', type: 'string', description: 'The status of the node', cell: (o) => {
      const ready = getCondition(o.status?.conditions, 'Ready')?.status === 'True' ? 'Ready' : 'NotReady';
      return o.spec?.unschedulable ? `${ready},SchedulingDisabled` : ready;
    } },
    { name: 'Roles', type: 'string', description: 'The roles of the node', cell: (o) => Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice(24)).join(',') || '<none>' },
    ageCol,
    { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', cell: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, description: 'List of internal IPs.', cell: (o) => (o.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '<none>' },
    { name: 'External-IP', type: 'string', priority: 1, description: 'List of external IPs.', cell: () => '<none>' },
    { name: 'OS-Image', type: 'string', priority: 1, description: 'OS image.', cell: (o) => o.status?.nodeInfo?.osImage ?? '' },
    { name: 'Kernel-Version', type: 'string', priority: 1, description: 'Kernel version.', cell: (o) => o.status?.nodeInfo?.kernelVersion ?? '' },
    { name: 'Container-Runtime', type: 'string', priority: 1, description: 'Container runtime.', cell: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '' },
  ]],
  [R.namespaces, [
    name,
    { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (o) => o.status?.phase ?? 'Active' },
    ageCol,
  ]],
  [R.services, [
    name,
    { name: 'Type', type: 'string', description: 'Service type.', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', description: 'Cluster IP.', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'External IPs.', cell: () => '<none>' },
    { name: 'Port(s)', type: 'string', description: 'Ports.', cell: (o) => (o.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>' },
    ageCol,
    { name: 'Selector', type: 'string', priority: 1, description: 'Selector.', cell: (o) => Object.entries(o.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
  ]],
  [R.deployments, [
    name,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}` },
    { name: 'Up-to-date', type: 'integer', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', cell: (o) => n(o.status?.updatedReplicas) },
    { name: 'Available', type: 'integer', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', cell: (o) => n(o.status?.availableReplicas) },
    ageCol,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: containers },
    { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: images },
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.', cell: (o) => labelSelectorString(o.spec?.selector) },
  ]],
  [R.replicasets, [
    name,
    { name: 'Desired', type: 'integer', description: 'Number of desired pods.', cell: (o) => n(o.spec?.replicas) },
    { name: 'Current', type: 'integer', description: 'Number of actual replicas.', cell: (o) => n(o.status?.replicas) },
    { name: 'Ready', type: 'integer', description: 'Number of ready replicas.', cell: (o) => n(o.status?.readyReplicas) },
    ageCol,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: containers },
    { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: images },
    { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.', cell: (o) => labelSelectorString(o.spec?.selector) },
  ]],
  [R.statefulsets, [
    name,
    { name: 'Ready', type: 'string', description: 'Number of the pod with ready state', cell: (o) => `${n(o.status?.readyReplicas)}/${n(o.spec?.replicas)}` },
    ageCol,
    { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.', cell: containers },
    { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.', cell: images },
  ]],
  [R.daemonsets, [
    name,
    { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod.', cell: (o) => n(o.status?.desiredNumberScheduled) },
    { name: 'Current', type: 'integer', description: 'The number of nodes running at least one daemon pod.', cell: (o) => n(o.status?.currentNumberScheduled) },
    { name: 'Ready', type: 'integer', description: 'The number of nodes with a ready daemon pod.', cell: (o) => n(o.status?.numberReady) },
    { name: 'Up-to-date', type: 'integer', description: 'The number of nodes running the updated daemon pod.', cell: (o) => n(o.status?.updatedNumberScheduled) },
    { name: 'Available', type: 'integer', description: 'The number of nodes with an available daemon pod.', cell: (o) => n(o.status?.numberAvailable) },
    { name: 'Node Selector', type: 'string', description: 'The node selector of the pods.', cell: (o) => Object.entries(o.spec?.template?.spec?.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>' },
    ageCol,
  ]],
]);

/** Events as the real server prints them: the object they are about, newest timestamps first in kubectl's sort. */
function eventColumns(v1: boolean): Column[] {
  const ref = (o: KubeObject): Record<string, any> => ((v1 ? o.regarding : o.involvedObject) as Record<string, any>) ?? {};
  const last = (o: KubeObject): string | undefined => (v1 ? o.deprecatedLastTimestamp ?? o.eventTime : o.lastTimestamp ?? o.eventTime) as string | undefined;
  const source = (o: KubeObject): string => {
    const s = (v1 ? o.deprecatedSource : o.source) as Record<string, any> | undefined;
    return s?.component ? `${s.component}${s.host ? `, ${s.host}` : ''}` : String((v1 ? o.reportingController : o.reportingComponent) ?? '');
  };
  return [
    { name: 'Last Seen', type: 'string', description: 'Time when this Event was last seen.', cell: (o, now) => age(last(o), now) },
    { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning).', cell: (o) => String(o.type ?? '') },
    { name: 'Reason', type: 'string', description: 'Short, machine understandable string that gives the reason for this event being generated.', cell: (o) => String(o.reason ?? '') },
    { name: 'Object', type: 'string', description: 'Object this event is about.', cell: (o) => `${String(ref(o).kind ?? '').toLowerCase()}/${ref(o).name ?? ''}` },
    { name: 'Subobject', type: 'string', priority: 1, description: 'Subobject of the object this event is about.', cell: (o) => String(ref(o).fieldPath ?? '') },
    { name: 'Source', type: 'string', priority: 1, description: 'Component reporting this event.', cell: source },
    { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', cell: (o) => String((v1 ? o.note : o.message) ?? '') },
    { name: 'First Seen', type: 'string', priority: 1, description: 'Time when this Event was first seen.', cell: (o, now) => age((v1 ? o.deprecatedFirstTimestamp ?? o.eventTime : o.firstTimestamp ?? o.eventTime) as string | undefined, now) },
    { name: 'Count', type: 'string', priority: 1, description: 'Number of times this event has occurred.', cell: (o) => String((v1 ? o.deprecatedCount : o.count) ?? 1) },
    { ...name, priority: 1 },
  ];
}
COLUMNS.set(R.events, eventColumns(false));
COLUMNS.set(R.eventsV1, eventColumns(true));

const DEFAULT_COLUMNS: Column[] = [name, { ...ageCol, name: 'Created At', cell: (o) => String(o.metadata.creationTimestamp ?? '') }];

export function toTable(opts: { res: ResourceType; items: KubeObject[]; resourceVersion?: string; continue?: string; remainingItemCount?: number; now: number }): Record<string, unknown> {
  const cols = COLUMNS.get(opts.res) ?? DEFAULT_COLUMNS;
  const metadata: Record<string, unknown> = {};
  if (opts.resourceVersion !== undefined) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: opts.items.map((o) => ({
      cells: cols.map((c) => c.cell(o, opts.now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
