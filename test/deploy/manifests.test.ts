// The DaemonSet manifests render with kubectl's kustomize, run the bridge in DaemonSet mode, ask
// only for read access, and ship a config the bridge accepts.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../bridge/config/load.ts';
import { kubectlMissing as missing, render } from './kustomize.ts';

t.test('deploy/base', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const docs = render('deploy/base');
  const kinds = docs.map((d) => d.kind).sort();
  t.same(kinds, ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'Namespace', 'NetworkPolicy', 'Service', 'ServiceAccount']);
  const ds = docs.find((d) => d.kind === 'DaemonSet')!;
  const c = ds.spec.template.spec.containers[0];
  t.same(c.env.find((e: any) => e.name === 'NODE_NAME').valueFrom.fieldRef.fieldPath, 'spec.nodeName', 'DaemonSet mode: NODE_NAME from the downward API');
  t.ok(c.args.includes('--in-cluster'));
  t.equal(c.readinessProbe.httpGet.path, '/readyz');
  const role = docs.find((d) => d.kind === 'ClusterRole')!;
  const verbs = new Set(role.rules.flatMap((r: any) => r.verbs));
  t.same([...verbs].sort(), ['get', 'list', 'watch'], 'read-only');
  const cm = docs.find((d) => d.kind === 'ConfigMap')!;
  const dir = t.testdir({});
  const file = join(dir, 'podlights.yaml');
  writeFileSync(file, cm.data['podlights.yaml']);
  const config = loadConfig({ file, env: { NODE_NAME: 'node-1' } });
  t.equal(config.inCluster, true);
  t.equal(config.nodeName, 'node-1');
});

t.test('deploy/overlays/external-broker', { skip: missing ? `skipped: ${missing}` : false }, async (t) => {
  const docs = render('deploy/overlays/external-broker');
  const ds = docs.find((d) => d.kind === 'DaemonSet')!;
  const c = ds.spec.template.spec.containers[0];
  t.ok(c.env.some((e: any) => e.name === 'PODLIGHTS_MQTT_URL'), 'broker URL from the secret');
  t.same(c.ports.map((p: any) => p.name), ['http'], 'no MQTT port without the embedded broker');
  t.notOk(docs.some((d) => d.kind === 'Service'), 'no Service for a broker that is not there');
});
