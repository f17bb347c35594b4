// Selectors, patches and the event history on their own.
import t from 'tap';
import fc from 'fast-check';
import { History } from '../../bridge/sim/history.ts';
import { jsonPatch, mergePatch } from '../../bridge/sim/patch.ts';
import { R } from '../../bridge/sim/resources.ts';
import { labelSelectorString, parseFieldSelector, parseLabelSelector } from '../../bridge/sim/selectors.ts';
import { strategicMergePatch } from '../../bridge/sim/strategic.ts';
import { StatusError } from '../../bridge/sim/errors.ts';
import { fenceposts } from '../../bridge/sim/controllers/deployment-util.ts';

t.test('label selectors', async (t) => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  const yes = ['app=web', 'app==web', 'tier!=back', 'tier in (front, back)', 'tier notin (back)', 'app', '!missing', 'n>3', 'n<6', 'app=web,tier=front', ''];
  const no = ['app=api', 'tier!=front', 'tier in (back)', 'tier notin (front)', 'missing', '!app', 'n>5', 'app=web,tier=back'];
  for (const s of yes) t.ok(parseLabelSelector(s).matches(labels), s);
  for (const s of no) t.notOk(parseLabelSelector(s).matches(labels), s);
  t.ok(parseLabelSelector('missing notin (x)').matches(labels), 'notin matches an absent key');
  for (const bad of ['app=', 'in (x)', 'a b c', '=x', 'app=we b']) {
    if (bad === 'app=') continue; // an empty value is valid
    t.throws(() => parseLabelSelector(bad), { code: 400 }, bad);
  }
  t.equal(labelSelectorString({ matchLabels: { a: '1' }, matchExpressions: [{ key: 'b', operator: 'In', values: ['x', 'y'] }, { key: 'c', operator: 'DoesNotExist' }] }), 'a=1,b in (x,y),!c');
});

t.test('field selectors', async (t) => {
  const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  t.ok(parseFieldSelector('spec.nodeName=n1,status.phase!=Pending', R.pods).matches(pod));
  t.ok(parseFieldSelector('metadata.name==p,metadata.namespace=ns', R.pods).matches(pod));
  t.notOk(parseFieldSelector('spec.nodeName=n2', R.pods).matches(pod));
  t.ok(parseFieldSelector('spec.nodeName=', R.pods).matches({ metadata: { name: 'x' } }), 'unbound pods have an empty nodeName');
  const err = t.throws(() => parseFieldSelector('spec.foo=bar', R.pods)) as unknown as StatusError;
  t.equal(err.code, 400);
  t.match(err.message, /field label not supported: spec.foo/);
  t.throws(() => parseFieldSelector('spec.nodeName=x', R.deployments), 'nodeName is a pod field only');
});

t.test('merge and json patch', async (t) => {
  t.same(mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 }, f: [1] }), { a: 1, b: { d: 3, e: 4 }, f: [1] });
  const doc = { spec: { replicas: 1, list: ['a', 'b'] }, metadata: { labels: { 'a/b': 'x' } } };
  t.same(jsonPatch(doc, [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/spec/list/-', value: 'c' },
    { op: 'remove', path: '/spec/list/0' },
    { op: 'copy', from: '/spec/replicas', path: '/spec/copy' },
    { op: 'move', from: '/metadata/labels/a~1b', path: '/metadata/labels/moved' },
    { op: 'test', path: '/spec/replicas', value: 3 },
  ]), { spec: { replicas: 3, list: ['b', 'c'], copy: 3 }, metadata: { labels: { moved: 'x' } } });
  t.same(doc.spec.replicas, 1, 'the input is untouched');
  t.throws(() => jsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 9 }]));
  t.throws(() => jsonPatch(doc, [{ op: 'replace', path: '/nope/x', value: 1 }]));
  // RFC 7386: applying the same merge patch twice changes nothing more.
  fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
    const once = mergePatch(a, b);
    t.same(mergePatch(once, b), once);
    return true;
  }), { numRuns: 200 });
});

t.test('strategic merge patch merges lists by key', async (t) => {
  const deploy = {
    spec: {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
      template: { spec: { containers: [
        { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
        { name: 'side', image: 's:1' },
      ] } },
    },
    metadata: { finalizers: ['x'] },
  };
  const out = strategicMergePatch(deploy, {
    spec: {
      strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
      template: { spec: {
        $setElementOrder_containers: undefined,
        '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
        containers: [
          { name: 'app', image: 'a:2', env: [{ name: 'B', value: '3' }, { name: 'A', $patch: 'delete' }], ports: [{ containerPort: 443 }] },
        ],
      } },
    },
    metadata: { finalizers: ['y'] },
  }) as any;
  t.same(out.spec.strategy, { type: 'Recreate' }, '$retainKeys drops the rest');
  t.same(out.spec.template.spec.containers.map((c: any) => c.name), ['side', 'app'], '$setElementOrder orders');
  const app = out.spec.template.spec.containers[1];
  t.equal(app.image, 'a:2');
  t.same(app.env, [{ name: 'B', value: '3' }], 'env merged by name, $patch delete removes');
  t.same(app.ports, [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }], 'ports merged by containerPort');
  t.same(out.metadata.finalizers, ['x', 'y'], 'finalizers merge as a set');
  t.same((strategicMergePatch({ a: { b: 1, c: 2 } }, { a: { $patch: 'replace', d: 3 } }) as any).a, { d: 3 });
  t.same((strategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] }) as any).args, ['c'], 'lists without a merge key are replaced');
});

t.test('history expiry', async (t) => {
  const h = new History({ capacity: 3 });
  for (let rv = 1; rv <= 5; rv++) h.append({ type: 'ADDED', resource: R.pods, object: { metadata: { name: `p${rv}` } }, rv });
  t.equal(h.floor, 2);
  t.equal(h.since(1), 'expired');
  t.same((h.since(2) as any[]).map((e) => e.rv), [3, 4, 5]);
  t.same(h.since(5), []);
  h.compact(5);
  t.equal(h.since(4), 'expired');
});

t.test('rollout fenceposts', async (t) => {
  const d = (replicas: number, maxSurge: any, maxUnavailable: any) => ({ metadata: {}, spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } } } });
  t.same(fenceposts(d(10, '25%', '25%')), { maxSurge: 3, maxUnavailable: 2 }, 'surge rounds up, unavailable down');
  t.same(fenceposts(d(3, '10%', '10%')), { maxSurge: 1, maxUnavailable: 0 });
  t.same(fenceposts(d(3, 0, '0%')), { maxSurge: 0, maxUnavailable: 1 }, 'both zero means one unavailable');
  t.same(fenceposts(d(5, 2, 1)), { maxSurge: 2, maxUnavailable: 1 });
});
