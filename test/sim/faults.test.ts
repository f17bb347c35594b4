// The fault hooks, as the bridge's reliability tests will use them.
import t from 'tap';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { R } from '../../bridge/sim/resources.ts';
import { call, openWatch } from './helpers.ts';

const pod = (name: string) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('fault hooks', async (t) => {
  const c = new SimCluster({ name: 'eu', controllers: false });
  await c.start();
  t.teardown(() => c.stop());

  t.test('5xx and 429 with Retry-After, for the matching requests only', async (t) => {
    c.faults.failNext({ status: 503, path: '/pods', count: 2 });
    t.equal((await call(c, 'GET', '/api/v1/nodes')).status, 200, 'other paths are untouched');
    t.match(await call(c, 'GET', '/api/v1/pods'), { status: 503, json: { reason: 'ServiceUnavailable', code: 503 } });
    t.equal((await call(c, 'GET', '/api/v1/pods')).status, 503);
    t.equal((await call(c, 'GET', '/api/v1/pods')).status, 200, 'count exhausted');
    c.faults.failNext({ status: 429, retryAfterSeconds: 2 });
    const limited = await call(c, 'GET', '/api/v1/pods');
    t.equal(limited.status, 429);
    t.equal(limited.headers.get('retry-after'), '2');
    c.faults.failNext({ status: 500, watch: true });
    t.equal((await call(c, 'GET', '/api/v1/pods')).status, 200, 'a watch-only rule spares lists');
    t.equal((await call(c, 'GET', '/api/v1/pods?watch=true&timeoutSeconds=1')).status, 500);
    t.equal(c.faults.injected, 4);
  });

  t.test('a dropped watch goes silent without ending', async (t) => {
    const w = await openWatch(c, '/api/v1/pods?watch=true&resourceVersion=' + c.store.resourceVersion);
    t.teardown(() => w.close());
    t.equal(c.faults.dropWatches(), 1);
    c.api.create(R.pods, pod('silent'));
    await settle(200);
    t.same(w.events, [], 'no event arrives');
    t.notOk(w.ended, 'and no FIN either');
  });

  t.test('stalled watches deliver once resumed', async (t) => {
    const w = await openWatch(c, '/api/v1/pods?watch=true&resourceVersion=' + c.store.resourceVersion);
    t.teardown(() => w.close());
    c.faults.stallWatches();
    c.api.create(R.pods, pod('late'));
    await settle(150);
    t.equal(w.events.length, 0);
    c.faults.resumeWatches();
    await w.waitFor(1);
    t.match(w.events[0], { type: 'ADDED', object: { metadata: { name: 'late' } } });
  });

  t.test('reset connections ends open streams abruptly', async (t) => {
    const w = await openWatch(c, '/api/v1/pods?watch=true&resourceVersion=' + c.store.resourceVersion);
    t.ok(c.faults.resetConnections() >= 1);
    await w.waitEnd();
    t.ok(w.ended);
  });

  t.test('expire history closes watches with 410 and refuses old versions', async (t) => {
    const rv = c.store.resourceVersion;
    const w = await openWatch(c, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
    c.api.create(R.pods, pod('before-expiry'));
    await w.waitFor(1);
    c.faults.expireHistory();
    await w.waitEnd();
    t.match(w.events.at(-1), { type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    const again = await openWatch(c, `/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await again.waitEnd();
    t.match(again.events, [{ type: 'ERROR', object: { code: 410 } }]);
  });

  t.test('restart keeps or resets resourceVersions, same port', async (t) => {
    const port = c.port;
    for (let i = 0; i < 5; i++) c.api.patch(R.pods, 'default', 'late', 'merge', { metadata: { annotations: { i: String(i) } } });
    const before = c.store.resourceVersion;
    const w = await openWatch(c, '/api/v1/pods?watch=true');
    await c.restartServer({ downMs: 50 });
    await w.waitEnd();
    t.equal(c.port, port);
    t.equal(Number((await call(c, 'GET', '/api/v1/pods')).json.metadata.resourceVersion), before);
    await c.restartServer({ resetResourceVersion: true });
    const list = (await call(c, 'GET', '/api/v1/pods')).json;
    t.ok(Number(list.metadata.resourceVersion) < before, 'versions start again from 1');
    t.equal(list.items.length, c.store.count(R.pods), 'the objects survive');
  });
});
