// The rendered manifests against Pod Security Standards (our own check, test/deploy/pod-security.ts,
// itself tested here control by control): the base and every overlay meet the level their
// namespace label enforces, base is "restricted", only the host-port overlay needs more; plus the
// NetworkPolicy, the NodePort Service and the TLS overlays wired to what the bridge reads.
import t from 'tap';
import type { Test } from 'tap';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlMissing, render } from './kustomize.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { levelOf, podOf, violations } from './pod-security.ts';
import type { Level } from './pod-security.ts';
import { CASES, restrictedPod } from './pod-security-cases.ts';

const skip = kubectlMissing ? `skipped: ${kubectlMissing}` : false;


t.test('the check knows every control', async (t) => {
  t.equal(levelOf(restrictedPod()), 'restricted');
  for (const [what, level, control, breakIt] of CASES) {
    const pod = restrictedPod();
    breakIt(pod);
    t.equal(levelOf(pod), level, what);
    t.ok(violations(pod).some((v) => v.control === control), `${what}: reported as ${control}`);
  }
  const allowed = restrictedPod();
  allowed.spec.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
  allowed.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
  allowed.spec.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
  allowed.spec.volumes.push({ name: 's', secret: { secretName: 'x' } }, { name: 'e', emptyDir: {} }, { name: 'p', projected: { sources: [] } });
  t.equal(levelOf(allowed), 'restricted', 'what restricted allows');
  const perContainer = restrictedPod();
  delete perContainer.spec.securityContext;
  Object.assign(perContainer.spec.containers[0].securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  t.equal(levelOf(perContainer), 'restricted', 'set on every container instead of the pod');
});

/** What each kustomization may run as; a new overlay must be added here, classified. */
const EXPECTED: Record<string, Level> = {
  'deploy/base': 'restricted',
  'deploy/overlays/external-broker': 'restricted',
  'deploy/overlays/tls': 'restricted',
  'deploy/overlays/tls-board-certs': 'restricted',
  'deploy/overlays/host-port': 'privileged',
  'deploy/overlays/rpi': 'restricted',
};

t.test('every kustomization meets the level its namespace enforces', { skip }, async (t) => {
  const overlays = readdirSync('deploy/overlays').map((d) => `deploy/overlays/${d}`);
  t.same(overlays.filter((o) => !(o in EXPECTED)), [], 'every overlay is classified here');
  for (const [dir, expected] of Object.entries(EXPECTED)) {
    if (!overlays.includes(dir) && dir !== 'deploy/base') continue;
    const docs = render(dir);
    const pods = docs.map(podOf).filter((p) => p !== undefined);
    t.ok(pods.length > 0, `${dir} runs pods`);
    const levels = pods.map((p) => levelOf(p!));
    const order: Level[] = ['restricted', 'baseline', 'privileged'];
    const needed = levels.reduce((a, l) => (order.indexOf(l) > order.indexOf(a) ? l : a), 'restricted' as Level);
    const why = pods.flatMap((p) => violations(p!)).map((v) => `${v.level} ${v.control}: ${v.detail}`);
    t.equal(needed, expected, `${dir} is ${expected}${why.length ? ` (${why.join('; ')})` : ''}`);
    const ns = docs.find((d) => d.kind === 'Namespace');
    t.equal(ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce'], needed, `${dir}: the namespace enforces exactly what it runs`);
    t.equal(ns?.metadata?.labels?.['pod-security.kubernetes.io/warn'], 'restricted', `${dir}: anything above restricted is warned about`);
  }
});

t.test('base: no host port, the broker reached through a node-local NodePort, the ops port fenced', { skip }, async (t) => {
  const docs = render('deploy/base');
  const ds = docs.find((d) => d.kind === 'DaemonSet')!;
  const pod = ds.spec.template.spec;
  t.same(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' }, 'pod-level seccomp');
  t.equal(pod.securityContext.runAsNonRoot, true);
  const c = pod.containers[0];
  t.notOk(c.ports.some((p: any) => p.hostPort), 'no hostPort');
  const svc = docs.find((d) => d.kind === 'Service')!;
  t.equal(svc.spec.type, 'NodePort');
  t.equal(svc.spec.externalTrafficPolicy, 'Local', "a node's boards reach that node's bridge");
  t.equal(svc.spec.ports[0].targetPort, 'mqtt');
  t.ok(c.ports.some((p: any) => p.name === 'mqtt'), 'the Service targets a port the container names');
  t.match(svc.spec.selector, ds.spec.template.metadata.labels);
  const np = docs.find((d) => d.kind === 'NetworkPolicy')!;
  t.match(ds.spec.template.metadata.labels, np.spec.podSelector.matchLabels, 'the policy selects the bridge');
  t.same(np.spec.policyTypes, ['Ingress']);
  const rule = (port: string) => np.spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === port));
  t.equal(rule('mqtt').from, undefined, 'boards (outside the cluster) reach the broker from anywhere');
  const ops = rule('http');
  t.same(ops.from, [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], 'ops port: this namespace and monitoring only');
  t.equal(np.spec.ingress.length, 2, 'nothing else gets in');
  // The ports the manifests open are the ports the bridge's config listens on.
  const cm = docs.find((d) => d.kind === 'ConfigMap')!;
  const config = configFor(t, cm, c);
  t.equal(c.ports.find((p: any) => p.name === 'mqtt').containerPort, config.broker.port);
  t.equal(c.ports.find((p: any) => p.name === 'http').containerPort, config.http.port);
  t.equal(config.broker.tls, undefined, 'plain MQTT: the firmware speaks no TLS yet');
});

t.test('TLS overlays: the server certificate from a Secret, client certificates required on request', { skip }, async (t) => {
  for (const [dir, requireClientCert] of [['deploy/overlays/tls', false], ['deploy/overlays/tls-board-certs', true]] as const) {
    const docs = render(dir);
    const ds = docs.find((d) => d.kind === 'DaemonSet')!;
    const pod = ds.spec.template.spec;
    const c = pod.containers[0];
    const config = configFor(t, docs.find((d) => d.kind === 'ConfigMap')!, c);
    t.ok(config.broker.tls, `${dir}: TLS on`);
    t.equal(config.broker.tls!.requireClientCert, requireClientCert, `${dir}: client certificates ${requireClientCert ? 'required' : 'optional'}`);
    t.equal(c.ports.find((p: any) => p.name === 'mqtt').containerPort, config.broker.port, `${dir}: the container port is the broker's`);
    t.equal(config.broker.port, 8883);
    // Every file the bridge will read sits in a mounted Secret.
    const files = [config.broker.tls!.cert, config.broker.tls!.key, ...(config.broker.tls!.ca ? [config.broker.tls!.ca] : [])];
    for (const file of files) {
      // The deepest mount holding the file (a Secret must not sit inside the read-only config mount).
      const mount = c.volumeMounts
        .filter((m: any) => file.startsWith(`${m.mountPath}/`))
        .sort((a: any, b: any) => b.mountPath.length - a.mountPath.length)[0];
      t.notOk(c.volumeMounts.some((m: any) => m !== mount && mount && mount.mountPath.startsWith(`${m.mountPath}/`)), `${dir}: ${mount?.mountPath} is not nested in another volume`);
      t.ok(mount, `${dir}: ${file} is mounted`);
      const volume = pod.volumes.find((v: any) => v.name === mount?.name);
      t.ok(volume?.secret?.secretName, `${dir}: ${file} comes from a Secret (${volume?.secret?.secretName})`);
      t.equal(mount?.readOnly, true);
    }
    const tlsVolume = pod.volumes.find((v: any) => v.secret?.secretName === 'podlights-broker-tls');
    t.ok(tlsVolume, `${dir}: server certificate from the podlights-broker-tls Secret`);
    t.equal(tlsVolume.secret.defaultMode, 0o440, `${dir}: the key is readable by the pod's group only`);
    const svc = docs.find((d) => d.kind === 'Service')!;
    t.equal(svc.spec.ports[0].port, 8883);
    t.equal(svc.spec.ports[0].targetPort, 'mqtt');
    t.ok(svc.spec.ports[0].nodePort >= 30000 && svc.spec.ports[0].nodePort <= 32767);
  }
});

t.test('host-port overlay: 1883 on the node, the namespace relabelled for it', { skip }, async (t) => {
  const docs = render('deploy/overlays/host-port');
  const c = docs.find((d) => d.kind === 'DaemonSet')!.spec.template.spec.containers[0];
  t.equal(c.ports.find((p: any) => p.name === 'mqtt').hostPort, 1883);
});

/** The bridge's config as the pod would load it: the ConfigMap's file plus the container's literal env. */
function configFor(t: Test, cm: Record<string, any>, container: Record<string, any>) {
  const dir = t.testdir({});
  const file = join(dir, 'podlights.yaml');
  writeFileSync(file, cm.data['podlights.yaml']);
  const env: NodeJS.ProcessEnv = { NODE_NAME: 'node-1' };
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return loadConfig({ file, env });
}
