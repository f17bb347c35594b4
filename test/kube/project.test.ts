// project() decodes only what a shape names, straight from the bytes. It must agree with
// JSON.parse on everything it keeps, for any JSON (property-based), and the pod decoder must give
// the LeanPod that leanPod gives of the whole pod, for real-looking and for random pods.
import t from 'tap';
import fc from 'fast-check';
import { project } from '../../bridge/kube/project.ts';
import type { Shape } from '../../bridge/kube/project.ts';
import { leanPod } from '../../bridge/kube/normalize.ts';
import { decodePod, leanOf } from '../../bridge/kube/pod-decoder.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON */
/** The projection done the slow way, on a parsed value. */
function reference(v: any, shape: Shape): any {
  if (shape === true) return v;
  if (Array.isArray(shape)) return Array.isArray(v) ? v.map((e) => reference(e, shape[0])) : v;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const out: Record<string, any> = {};
  for (const [k, sub] of Object.entries(shape as Record<string, Shape>)) if (Object.hasOwn(v, k)) out[k] = reference(v[k], sub);
  return out;
}

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(true as const),
    fc.tuple(tie('shape')).map((s) => s as readonly [Shape]),
    fc.dictionary(fc.oneof(fc.constantFrom('a', 'b', 'metadata', 'x y', 'é'), fc.string()), tie('shape'), { maxKeys: 4 }),
  ),
})).shape;

t.test('agrees with JSON.parse on any JSON and any shape', async (t) => {
  fc.assert(
    fc.property(fc.jsonValue(), shapeArb, fc.boolean(), (value, shape, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      t.same(project(Buffer.from(text), shape), reference(JSON.parse(text), shape));
    }),
    { numRuns: 2000 },
  );
});

t.test('strings with escapes, unicode and quotes; keys that only match when decoded', async (t) => {
  const doc = { a: 'say \\"hi\\" \n\t ünïcødé 🚦', b: ['x\\', '\\\\', '"'], 'c\\"d': 1, n: -1.5e3, z: [true, false, null] };
  const text = JSON.stringify(doc);
  t.same(project(Buffer.from(text), true), doc);
  t.same(project(Buffer.from(text), { a: true, b: [true], n: true, z: true }), { a: doc.a, b: doc.b, n: doc.n, z: doc.z });
});

t.test('malformed input throws a SyntaxError', async (t) => {
  for (const bad of ['{"a":', '{"a" 1}', '{"a":"x}', '[1,2', '{"a":1}x', '']) {
    t.throws(() => project(Buffer.from(bad), { a: true }), SyntaxError, bad);
  }
});

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'shop-7d9c-abcde',
    namespace: 'shop',
    uid: '6f1c2a4e-0000-4000-8000-000000000001',
    resourceVersion: '123456',
    creationTimestamp: '2026-01-01T00:00:00Z',
    deletionTimestamp: '2026-01-01T00:05:00Z',
    labels: { app: 'shop', 'pod-template-hash': '7d9c', blinkt: 'show', blinktColor: 'ff00ff' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' },
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Other', name: 'x', uid: 'u0' },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'shop-7d9c', uid: 'u1', controller: true, blockOwnerDeletion: true },
    ],
    managedFields: [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {} } } } } }],
  },
  spec: {
    nodeName: 'eu-arm64-1',
    containers: [{ name: 'app', image: 'shop:1', env: [{ name: 'A', value: 'with "quotes" and \\ backslash' }] }],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ],
    initContainerStatuses: [{ name: 'init', ready: true, restartCount: 9, state: { terminated: { exitCode: 0 } } }],
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 3, image: 'shop:1', imageID: 'sha256:00', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } } },
      { name: 'sidecar', ready: true, restartCount: 1, state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
    ],
  },
};

const decoded = (v: unknown) => {
  const ev = project(Buffer.from(JSON.stringify({ type: 'MODIFIED', object: v })), { type: true, object: decodePod });
  return { type: ev.type, lean: leanOf(ev.object), metadata: ev.object.metadata };
};

t.test('the pod decoder gives what leanPod gives of the whole pod', async (t) => {
  const variants = [
    pod,
    { ...pod, metadata: { ...pod.metadata, deletionTimestamp: undefined, ownerReferences: undefined } },
    { ...pod, spec: { ...pod.spec, nodeName: undefined }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } },
    { ...pod, status: { ...pod.status, containerStatuses: [{ restartCount: 2, state: { waiting: { reason: 'ImagePullBackOff' } } }], initContainerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }] } },
    { metadata: { name: 'bare', namespace: 'default' } },
  ];
  for (const v of variants) {
    const d = decoded(v);
    t.same(d.lean, leanPod(JSON.parse(JSON.stringify(v))), v.metadata.name);
    const m = v.metadata as { uid?: string; namespace?: string; name?: string; resourceVersion?: string };
    t.same(d.metadata, { uid: m.uid, namespace: m.namespace, name: m.name, resourceVersion: m.resourceVersion }, 'identity for the reflector');
  }
});

t.test('the pod decoder agrees with leanPod on random pods', async (t) => {
  const str = fc.oneof(fc.constantFrom('Ready', 'PodScheduled', 'True', 'False', 'Unschedulable', 'CrashLoopBackOff', 'ReplicaSet', '2026-01-01T00:00:00Z', ''), fc.string());
  const scalar = fc.oneof(str, fc.integer(), fc.boolean(), fc.constant(null));
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const condition = fc.record({ type: opt(str), status: opt(str), reason: opt(str), message: opt(str) }, { requiredKeys: [] });
  const container = fc.record({ name: opt(str), restartCount: opt(fc.oneof(fc.nat(), str)), state: opt(fc.record({ waiting: opt(fc.record({ reason: opt(scalar) })), running: opt(fc.object()) })) }, { requiredKeys: [] });
  const owner = fc.record({ kind: opt(str), name: opt(str), controller: opt(fc.oneof(fc.boolean(), fc.constant(null))), uid: opt(str) }, { requiredKeys: [] });
  const podArb = fc.record(
    {
      metadata: fc.record(
        {
          uid: opt(str),
          namespace: opt(str),
          name: opt(str),
          resourceVersion: opt(str),
          labels: opt(fc.dictionary(fc.constantFrom('app', 'blinkt', 'pod-template-hash', 'controller-revision-hash', 'x'), str)),
          deletionTimestamp: opt(fc.oneof(str, fc.constant(null))),
          creationTimestamp: opt(str),
          ownerReferences: opt(fc.array(owner, { maxLength: 3 })),
          managedFields: opt(fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      spec: opt(fc.record({ nodeName: opt(fc.oneof(str, fc.constant(null))), containers: opt(fc.jsonValue()) }, { requiredKeys: [] })),
      status: opt(
        fc.record(
          { phase: opt(str), conditions: opt(fc.array(condition, { maxLength: 4 })), initContainerStatuses: opt(fc.array(container, { maxLength: 2 })), containerStatuses: opt(fc.array(container, { maxLength: 3 })) },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: ['metadata'] },
  );
  fc.assert(
    fc.property(podArb, (v) => {
      const whole = JSON.parse(JSON.stringify(v));
      const d = decoded(v);
      return JSON.stringify(d.lean) === JSON.stringify(leanPod(whole)) && d.metadata.resourceVersion === whole.metadata.resourceVersion;
    }),
    { numRuns: 3000 },
  );
  t.pass('3000 random pods');
});

t.test('leanOf decodes a pod that came whole', async (t) => {
  t.same(leanOf(JSON.parse(JSON.stringify(pod))), leanPod(JSON.parse(JSON.stringify(pod))));
});
