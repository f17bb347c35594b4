// The wire protocol: lists, watches with their resourceVersion modes, 410 Expired, selectors
// and their transitions, bookmarks, timeouts, Status errors and discovery.
import t from 'tap';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';
import { call, deployment, openWatch } from './helpers.ts';

const pod = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });

t.test('bare API server (no controllers)', async (t) => {
  const c = new SimCluster({ name: 'eu', controllers: false, historySize: 50, watch: { futureRvWaitMs: 200 } });
  await c.start();
  t.teardown(() => c.stop());

  t.test('discovery and version', async (t) => {
    t.match((await call(c, 'GET', '/version')).json, { major: '1', minor: '32' });
    t.same((await call(c, 'GET', '/api')).json.versions, ['v1']);
    t.match((await call(c, 'GET', '/apis')).json.groups, [{ name: 'apps' }]);
    const core = (await call(c, 'GET', '/api/v1')).json;
    t.ok(core.resources.some((r: any) => r.name === 'pods' && r.namespaced && r.verbs.includes('watch')));
    const apps = (await call(c, 'GET', '/apis/apps/v1')).json;
    t.ok(apps.resources.some((r: any) => r.name === 'deployments/scale' && r.kind === 'Scale'));
    t.equal((await call(c, 'GET', '/healthz')).json, 'ok');
    t.equal((await call(c, 'GET', '/nope')).status, 404);
  });

  t.test('CRUD with Status errors', async (t) => {
    const created = await call(c, 'POST', '/api/v1/namespaces/default/pods', pod('a', { app: 'x' }));
    t.equal(created.status, 201);
    t.ok(created.json.metadata.uid);
    t.equal((await call(c, 'POST', '/api/v1/namespaces/default/pods', pod('a'))).json.reason, 'AlreadyExists');
    const missing = await call(c, 'GET', '/api/v1/namespaces/default/pods/zzz');
    t.match(missing, { status: 404, json: { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "zzz" not found' } });
    const stale = { ...created.json, metadata: { ...created.json.metadata, resourceVersion: '1' } };
    t.match(await call(c, 'PUT', '/api/v1/namespaces/default/pods/a', stale), { status: 409, json: { reason: 'Conflict' } });
    t.match(await call(c, 'POST', '/api/v1/namespaces/nowhere/pods', pod('b')), { status: 404, json: { details: { kind: 'namespaces' } } });
    const bad = await call(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', { ...deployment('d'), spec: { ...deployment('d').spec, selector: { matchLabels: { app: 'other' } } } });
    t.match(bad, { status: 422, json: { reason: 'Invalid' } });
    t.equal((await call(c, 'PATCH', '/api/v1/namespaces/default/pods/a', '{}', { 'content-type': 'application/apply-patch+yaml' })).status, 415);
    const patched = await call(c, 'PATCH', '/api/v1/namespaces/default/pods/a', { metadata: { labels: { extra: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    t.same(patched.json.metadata.labels, { app: 'x', extra: 'y' });
    const dep = await call(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('d'));
    t.equal(dep.json.metadata.generation, 1);
    const scaled = await call(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale', { spec: { replicas: 5 } }, { 'content-type': 'application/merge-patch+json' });
    t.match(scaled.json, { kind: 'Scale', spec: { replicas: 5 }, status: { selector: 'app=d' } });
    const after = (await call(c, 'GET', '/apis/apps/v1/namespaces/default/deployments/d')).json;
    t.equal(after.spec.replicas, 5);
    t.equal(after.metadata.generation, 2, 'a spec change bumps generation');
    t.match(after.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, 'defaults');
  });

  t.test('typed lists, selectors and chunking', async (t) => {
    for (let i = 0; i < 5; i++) c.api.create(R.pods, pod(`l${i}`, { group: i % 2 ? 'odd' : 'even' }));
    const list = (await call(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=group%20in%20(odd)')).json;
    t.match(list, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: /^\d+$/ } });
    t.same(list.items.map((p: any) => p.metadata.name), ['l1', 'l3']);
    t.notOk('kind' in list.items[0], 'items carry no kind, as on a cluster');
    const page1 = (await call(c, 'GET', '/api/v1/pods?limit=3')).json;
    t.equal(page1.items.length, 3);
    t.ok(page1.metadata.continue);
    const page2 = (await call(c, 'GET', `/api/v1/pods?limit=100&continue=${page1.metadata.continue}`)).json;
    t.equal(page1.items.length + page2.items.length, c.store.count(R.pods));
    t.match(await call(c, 'GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx'), { status: 400, json: { message: /field label not supported/ } });
    const table = await call(c, 'GET', '/api/v1/namespaces/default/pods', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    t.match(table.json, { kind: 'Table', columnDefinitions: [{ name: 'Name' }, { name: 'Ready' }, { name: 'Status' }] });
  });

  t.test('watch: resourceVersion modes, transitions, bookmarks, timeout', async (t) => {
    const initial = await openWatch(c, '/api/v1/namespaces/default/pods?watch=1&labelSelector=group%3Deven');
    t.teardown(() => initial.close());
    await initial.waitFor(3);
    t.same(initial.events.map((e) => [e.type, e.object.metadata.name]), [['ADDED', 'l0'], ['ADDED', 'l2'], ['ADDED', 'l4']], 'rv unset: the current state as ADDED');

    const rv = c.store.resourceVersion;
    const fromRv = await openWatch(c, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&fieldSelector=spec.nodeName%3Dn1&allowWatchBookmarks=false`);
    t.teardown(() => fromRv.close());
    const p = c.api.get(R.pods, 'default', 'l1');
    c.api.bind('default', 'l1', 'n1');
    await fromRv.waitFor(1);
    t.match(fromRv.events[0], { type: 'ADDED', object: { metadata: { name: 'l1' }, spec: { nodeName: 'n1' } } }, 'bound to the node: ADDED at its watcher');
    t.ok(Number(fromRv.events[0].object.metadata.resourceVersion) > Number(p.metadata.resourceVersion));
    c.api.patch(R.pods, 'default', 'l0', 'merge', { metadata: { labels: { group: 'none' } } });
    await initial.waitFor(4);
    t.match(initial.events[3], { type: 'DELETED', object: { metadata: { name: 'l0', labels: { group: 'even' } } } }, 'leaving the selector is DELETED (old state, new version)');
    t.equal(initial.events[3].object.metadata.resourceVersion, String(c.store.resourceVersion));
    t.ok(fromRv.events.every((e) => e.type !== 'BOOKMARK'));

    const bm = new SimCluster({ name: 'bm', controllers: false, watch: { bookmarkIntervalMs: 50 } });
    await bm.start();
    t.teardown(() => bm.stop());
    const w = await openWatch(bm, '/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=0');
    await w.waitFor(1);
    t.match(w.events[0], { type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: String(bm.store.resourceVersion) } } });
    const started = Date.now();
    await w.waitEnd(3000);
    t.ok(Date.now() - started < 1500, 'timeoutSeconds ends the stream');
  });

  t.test('watch: expired history answers 200 with one ERROR 410 and closes', async (t) => {
    const old = c.store.resourceVersion;
    for (let i = 0; i < 60; i++) c.api.patch(R.pods, 'default', 'l2', 'merge', { metadata: { annotations: { n: String(i) } } });
    const w = await openWatch(c, `/api/v1/pods?watch=true&resourceVersion=${old}`);
    t.equal(w.status, 200);
    await w.waitEnd();
    t.equal(w.events.length, 1);
    t.match(w.events[0], { type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    const fresh = await openWatch(c, `/api/v1/pods?watch=true&resourceVersion=${c.store.resourceVersion - 5}`);
    t.teardown(() => fresh.close());
    await fresh.waitFor(5);
    t.ok(fresh.events.every((e) => e.type === 'MODIFIED'), 'a recent version replays the missed events');
    const future = await call(c, 'GET', `/api/v1/pods?watch=true&resourceVersion=${c.store.resourceVersion + 1000}`);
    t.match(future, { status: 504, json: { reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } } });
  });
});

t.test('graceful deletion, cascading deletion and namespace cleanup', async (t) => {
  const c = new SimCluster({ name: 'eu', speed: 50 });
  await c.start();
  t.teardown(() => c.stop());
  const api = c.api;
  api.create(R.deployments, deployment('web', { replicas: 3 }));
  const { until } = await import('./helpers.ts');
  await until(() => api.get(R.deployments, 'default', 'web').status?.availableReplicas === 3, 10_000);
  const victim = c.store.list(R.pods, 'default')[0];
  const del = await call(c, 'DELETE', `/api/v1/namespaces/default/pods/${victim.metadata.name}`);
  t.equal(del.status, 202, 'graceful: accepted, not gone yet');
  t.ok(del.json.metadata.deletionTimestamp);
  t.equal(del.json.metadata.deletionGracePeriodSeconds, 30);
  await until(() => !c.store.get(R.pods, 'default', String(victim.metadata.name)), 10_000);
  await call(c, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web', { propagationPolicy: 'Foreground' });
  t.ok(c.store.get(R.deployments, 'default', 'web')?.metadata.deletionTimestamp, 'foreground: the owner waits for its dependents');
  await until(() => !c.store.get(R.deployments, 'default', 'web'), 10_000);
  t.equal(c.store.list(R.pods, 'default').length, 0);
  t.equal(c.store.list(R.replicasets, 'default').length, 0);

  api.create(R.namespaces, { metadata: { name: 'tmp' } });
  api.create(R.deployments, { ...deployment('x', { replicas: 2 }), metadata: { name: 'x', namespace: 'tmp' } });
  await until(() => c.store.list(R.pods, 'tmp').length === 2, 10_000);
  api.delete(R.namespaces, undefined, 'tmp');
  t.equal(api.get(R.namespaces, undefined, 'tmp').status.phase, 'Terminating');
  await until(() => !c.store.get(R.namespaces, undefined, 'tmp'), 10_000);
  t.equal(c.store.list(R.pods, 'tmp').length, 0);
});
