// Defaulting, as the API server does before storing: the fields kubectl and controllers expect
// to find filled in (strategy, replicas, grace period, imagePullPolicy...).
import { R, type ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';

type Rec = Record<string, any>;

function defaultContainer(c: Rec): void {
  if (c.imagePullPolicy === undefined) {
    const image = String(c.image ?? '');
    const tag = image.includes('@') ? 'digest' : /:[^/]+$/.exec(image)?.[0]?.slice(1);
    c.imagePullPolicy = tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
}

export function defaultPodSpec(spec: Rec | undefined, opts: { isPod: boolean }): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  if (opts.isPod) {
    // What the ServiceAccount and DefaultTolerationSeconds admission plugins add to every pod.
    spec.serviceAccountName ??= 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.enableServiceLinks ??= true;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    const tolerations: Rec[] = (spec.tolerations ??= []);
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || t.effect === undefined))) {
        tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
      }
    }
  }
}

export function applyDefaults(res: ResourceType, obj: KubeObject): void {
  const spec: Rec = (obj.spec ??= {});
  switch (res) {
    case R.pods:
      defaultPodSpec(spec, { isPod: true });
      break;
    case R.deployments:
      spec.replicas ??= 1;
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      spec.strategy ??= {};
      spec.strategy.type ??= 'RollingUpdate';
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate ??= {};
        spec.strategy.rollingUpdate.maxSurge ??= '25%';
        spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      defaultPodSpec(spec.template?.spec, { isPod: false });
      break;
    case R.replicasets:
      spec.replicas ??= 1;
      defaultPodSpec(spec.template?.spec, { isPod: false });
      break;
    case R.statefulsets:
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= {};
      spec.updateStrategy.type ??= 'RollingUpdate';
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.partition ??= 0;
      }
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultPodSpec(spec.template?.spec, { isPod: false });
      break;
    case R.daemonsets:
      spec.revisionHistoryLimit ??= 10;
      spec.updateStrategy ??= {};
      spec.updateStrategy.type ??= 'RollingUpdate';
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
        spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
      }
      defaultPodSpec(spec.template?.spec, { isPod: false });
      break;
    case R.services:
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      break;
    case R.namespaces:
      spec.finalizers ??= ['kubernetes'];
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': String(obj.metadata.name) };
      break;
    default:
      if (Object.keys(spec).length === 0) delete obj.spec;
  }
}
