// Hostile and broken API servers: a port that accepts and never answers, an endless chunked
// response, one endless watch event, 403 from RBAC, errors that recover. Every request has a
// deadline and a size limit, errors say what happened once, and recovery is prompt and shared.
import t from 'tap';
import type { Test } from 'tap';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError, KubeHttp } from '../../bridge/kube/http.ts';
import { Recovery, Reflector } from '../../bridge/kube/reflector.ts';
import { waitFor } from '../transports/helpers/wait.ts';

function kubeConfigFor(url: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'x' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

async function httpServer(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createHttpServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const podList = (rv: string, names: string[] = []) =>
  JSON.stringify({ kind: 'PodList', metadata: { resourceVersion: rv }, items: names.map((n, i) => ({ metadata: { name: n, namespace: 'default', uid: `u-${n}`, resourceVersion: String(i + 1) } })) });

t.test('a port that accepts and never answers: the list fails within its deadline', async (t) => {
  const sockets: Socket[] = [];
  const server = createTcpServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const http = new KubeHttp(kubeConfigFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), { requestTimeoutMs: 300 });
  t.teardown(() => http.close());
  const err = await http.list('/api/v1/pods', {}).catch((e: unknown) => e);
  t.ok(err instanceof KubeError && err.kind === 'timeout', `timed out: ${(err as Error).message}`);
  t.match((err as Error).message, /no answer within 300 ms/);
});

t.test('an endless chunked response is cut at the size limit', async (t) => {
  let written = 0;
  const url = await httpServer(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"items":[');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = (): void => {
      while (!res.destroyed && written < 512 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const http = new KubeHttp(kubeConfigFor(url), { maxResponseBytes: 4 * 1024 * 1024, requestTimeoutMs: 20_000 });
  t.teardown(() => http.close());
  const err = await http.list('/api/v1/pods', {}).catch((e: unknown) => e);
  t.ok(err instanceof KubeError && err.kind === 'too-large', (err as Error).message);
  t.ok(written < 64 * 1024 * 1024, `the server got to write only ${written} bytes before the cut`);
});

t.test('one endless watch event is cut at the event limit; a normal event before it is delivered', async (t) => {
  const url = await httpServer(t, (req, res) => {
    if (!req.url?.includes('watch=1')) return res.end(podList('10'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', namespace: 'default', uid: 'ua', resourceVersion: '11' } } })}\n`);
    res.write('{"type":"MODIFIED","object":{"metadata":{"name":"b","annotations":{"x":"');
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  const http = new KubeHttp(kubeConfigFor(url), { maxEventBytes: 1024 * 1024 });
  t.teardown(() => http.close());
  const seen: string[] = [];
  const err = await http
    .watch('/api/v1/pods', { resourceVersion: '10', timeoutSeconds: 60, signal: new AbortController().signal, onEvent: (type, o) => void seen.push(`${type} ${o.metadata.name}`) })
    .catch((e: unknown) => e);
  t.same(seen, ['ADDED a']);
  t.ok(err instanceof KubeError && err.kind === 'too-large', (err as Error).message);
});

t.test('403 from RBAC: said once as forbidden, not as an outage; the loop keeps trying quietly', async (t) => {
  let calls = 0;
  const url = await httpServer(t, (_req, res) => {
    calls++;
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods is forbidden: User "system:serviceaccount:podlights:bridge" cannot list resource "pods" in API group "" at the cluster scope' }));
  });
  const lines: string[] = [];
  const http = new KubeHttp(kubeConfigFor(url));
  const r = new Reflector({ http, path: '/api/v1/pods', normalize: (o) => o, handlers: { add() {}, update() {}, delete() {} }, backoffMinMs: 10, backoffMaxMs: 20, log: (l) => void lines.push(l) });
  r.start();
  t.teardown(() => {
    r.stop();
    http.close();
  });
  await waitFor('several attempts', () => calls >= 5);
  t.equal(r.status.problem, 'forbidden');
  t.equal(lines.length, 1, 'one line for all the retries');
  t.match(lines[0], /^kube: forbidden: the service account lacks list on pods \(RBAC\): .*cannot list resource "pods"/);
  t.notMatch(lines[0], /\n/);
});

t.test('backoff resets on success, and a recovery wakes every reflector of the cluster', async (t) => {
  let down = true;
  const url = await httpServer(t, (req, res) => {
    if (down) {
      res.writeHead(503);
      return res.end('{"kind":"Status","reason":"ServiceUnavailable","code":503}');
    }
    if (req.url?.includes('watch=1')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return; // a quiet watch
    }
    res.end(podList('5', ['p']));
  });
  const http = new KubeHttp(kubeConfigFor(url));
  const recovery = new Recovery();
  const handlers = { add() {}, update() {}, delete() {} };
  const fast = new Reflector({ http, recovery, path: '/api/v1/pods', normalize: (o) => o, handlers, backoffMinMs: 20, backoffMaxMs: 40, probeAfterMs: 60_000 });
  // Its own backoff would wait a minute or more after a few failures.
  const slow = new Reflector({ http, recovery, path: '/api/v1/nodes', normalize: (o) => o, handlers, backoffMinMs: 60_000, backoffMaxMs: 120_000, probeAfterMs: 60_000 });
  fast.start();
  slow.start();
  t.teardown(() => {
    fast.stop();
    slow.stop();
    http.close();
  });
  await waitFor('both failed', () => fast.status.failures >= 3 && slow.status.failures >= 1);
  down = false;
  await waitFor('the fast one recovered', () => fast.status.synced && fast.status.connected);
  t.equal(fast.status.failures, 0, 'failures (and with them the backoff) reset on success');
  await waitFor('the slow one was woken and synced too', () => slow.status.synced && slow.status.connected, 5000);
  t.pass('recovered together');
});

t.test('after an outage every watch of the cluster is back within seconds, not after its own backoff', async (t) => {
  const { ClusterWatch } = await import('../../bridge/kube/cluster-watch.ts');
  const { freePort } = await import('../transports/helpers/net.ts');
  const port = await freePort();
  const cw = new ClusterWatch({
    name: 'eu',
    kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`),
    onChange: () => {},
    // Each watch alone would wait a minute or two before trying again.
    backoffMinMs: 60_000,
    backoffMaxMs: 120_000,
  });
  cw.start();
  t.teardown(() => cw.stop());
  await waitFor('every watch failed', () => cw.statuses().every((s) => s.failures >= 1 && s.problem === 'unreachable'), 10_000);
  // The server comes back.
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    if (req.url?.includes('watch=1')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return; // quiet
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(req.url?.startsWith('/version') ? '{"major":"1"}' : JSON.stringify({ metadata: { resourceVersion: '1' }, items: [] }));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await waitFor('all watches synced again', () => cw.statuses().every((s) => s.synced && s.connected), 10_000);
  t.equal(cw.health(), 'healthy');
});

t.test('Services forbidden by RBAC (a ClusterRole from before they were watched): the cluster stays healthy, the log says what is lost', async (t) => {
  const { ClusterWatch } = await import('../../bridge/kube/cluster-watch.ts');
  const url = await httpServer(t, (req, res) => {
    if (req.url?.startsWith('/api/v1/services')) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'services is forbidden: User "system:serviceaccount:podlights:podlights-bridge" cannot list resource "services"', code: 403 }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url?.includes('watch=1')) return; // quiet
    res.end(JSON.stringify({ metadata: { resourceVersion: '1' }, items: [] }));
  });
  const logs: string[] = [];
  const cw = new ClusterWatch({ name: 'eu', kubeConfig: kubeConfigFor(url), onChange: () => {}, log: (l) => logs.push(l), backoffMinMs: 50, backoffMaxMs: 100 });
  cw.start();
  t.teardown(() => cw.stop());
  const services = () => cw.allStatuses().find((s) => s.path === '/api/v1/services')!;
  await waitFor('the required watches synced and Services refused twice', () => cw.statuses().every((s) => s.synced && s.connected) && services().failures >= 2, 10_000);
  await waitFor('health checked', () => cw.health() === 'healthy', 5000);
  t.equal(cw.health(), 'healthy', 'healthy: Services are optional');
  t.equal(cw.problem(), undefined, '/readyz names no problem');
  t.equal(services().problem, 'forbidden', 'the Services watch itself is marked forbidden');
  const said = logs.filter((l) => /services/.test(l));
  t.equal(said.length, 1, `said once, not per retry: ${said.join(' / ')}`);
  t.match(said[0], /forbidden.*services \(RBAC\).*blue-green/, 'names RBAC and what is lost');
  t.ok(cw.state().services !== undefined && cw.state().services!.size === 0, 'no Services known');
});
