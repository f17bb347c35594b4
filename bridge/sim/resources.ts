// The resource types the simulator serves. Discovery, routing, tables and field selectors all
// read this one table, so adding a type here is most of the work of supporting it.

export interface ResourceType {
  group: string; // '' for core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served under /<name>/<sub>. */
  subresources: Array<'status' | 'scale'>;
  /** Fields usable in fieldSelector, besides metadata.name and metadata.namespace. */
  fields: string[];
}

const ALL = ['all'];

export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ALL, subresources: ['status'],
    fields: ['spec.nodeName', 'status.phase', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName'] },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'], fields: ['spec.unschedulable'] },
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'], fields: ['status.phase'] },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ALL, subresources: ['status'], fields: ['spec.type', 'spec.clusterIP'] },
  { group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], subresources: [], fields: [] },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], subresources: [],
    fields: ['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'] },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ALL, subresources: ['status', 'scale'], fields: [] },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ALL, subresources: ['status', 'scale'], fields: ['status.replicas'] },
  { group: 'apps', version: 'v1', plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ALL, subresources: ['status', 'scale'], fields: [] },
  { group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ALL, subresources: ['status'], fields: [] },
  // After apps, as the real server lists its groups.
  { group: 'events.k8s.io', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], subresources: [],
    fields: ['regarding.kind', 'regarding.name', 'regarding.namespace', 'regarding.uid', 'reason', 'type', 'reportingController'] },
];

export function groupVersion(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceByKind(kind: string): ResourceType {
  const r = RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`the simulator does not serve kind ${kind}`);
  return r;
}

/** Short handles for in-process callers: `R.pods`, `R.deployments`. */
export const R = {
  pods: resourceByKind('Pod'),
  nodes: resourceByKind('Node'),
  namespaces: resourceByKind('Namespace'),
  services: resourceByKind('Service'),
  configmaps: resourceByKind('ConfigMap'),
  events: resourceByKind('Event'),
  eventsV1: findResource('events.k8s.io', 'v1', 'events')!,
  deployments: resourceByKind('Deployment'),
  replicasets: resourceByKind('ReplicaSet'),
  statefulsets: resourceByKind('StatefulSet'),
  daemonsets: resourceByKind('DaemonSet'),
};
