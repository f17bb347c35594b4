// deploy/overlays/rpi renders with kubectl's kustomize: the bridge on Pi nodes only, driving the
// Blinkt, with the GPIO chip as a device resource and no privilege beyond it.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

const missing = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error ? 'kubectl not installed' : false;

t.test('deploy/overlays/rpi', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const r = spawnSync('kubectl', ['kustomize', 'deploy/overlays/rpi'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON());
  const ds = docs.find((d) => d.kind === 'DaemonSet')!;
  const pod = ds.spec.template.spec;
  const c = pod.containers[0];
  t.ok(c.args.includes('--blinkt'), 'drives the Blinkt');
  t.ok(c.args.includes('--in-cluster'), 'still the DaemonSet bridge');
  const term = pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0];
  t.same(term, { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'arm'] }, 'arm64 and arm nodes only');
  t.equal(c.resources.limits['smarter-devices/gpiochip0'], '1', 'the GPIO chip as a device resource');
  t.equal(c.resources.requests['smarter-devices/gpiochip0'], '1');
  t.notMatch(r.stdout, /privileged:\s*true/, 'never privileged');
  t.notOk(pod.hostNetwork || pod.hostPID || pod.hostIPC, 'no host namespaces');
  t.match(c.securityContext, { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  t.notOk(c.securityContext.capabilities.add, 'no capability added');
  t.ok(pod.securityContext.supplementalGroups.length > 0, 'the gpio group for the device node');
  t.match(pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, "the base's pod securityContext kept, the group added beside it");
  t.notOk((pod.volumes ?? []).some((v: { hostPath?: unknown }) => v.hostPath), 'no hostPath: the device plugin brings the node');
});
