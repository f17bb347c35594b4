// Long watches are read straight off their socket (bridge/kube/raw-http.ts): the HTTP framing must
// come out exactly, however the bytes are cut (chunk sizes, extensions, trailers split anywhere),
// for each way a body can end (chunked, Content-Length, the close), and what goes wrong must be
// said as before: the status and message of an error answer, a malformed framing, a connection
// that closes mid-stream, an abort.
import t from 'tap';
import type { Test } from 'tap';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { KubeHttp, KubeError } from '../../bridge/kube/http.ts';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';

const event = (i: number) => `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: `p-${i}`, resourceVersion: String(i) }, pad: 'x'.repeat(i * 13) } })}\n`;
const events = Array.from({ length: 12 }, (_, i) => event(i));

/** A server that answers every connection with `response`, cut into pieces of 1, 2, 3... bytes. */
async function serve(t: Test, response: (request: string) => Buffer, opts: { keepOpen?: boolean; step?: number } = {}): Promise<KubeHttp> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    let request = '';
    s.on('data', (d) => {
      request += d.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      const bytes = response(request);
      let at = 0;
      let n = 1;
      const next = (): void => {
        if (s.destroyed) return;
        if (at >= bytes.length) {
          if (!opts.keepOpen) s.end();
          return;
        }
        s.write(bytes.subarray(at, at + n), () => setImmediate(next));
        at += n;
        n = (n % (opts.step ?? 23)) + 1;
      };
      next();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [source] = fromKubeconfig({ text: kubeconfigText([{ name: 'x', url }]) });
  const kh = new KubeHttp(source.kubeConfig, { requestTimeoutMs: 5000 });
  t.teardown(() => kh.close());
  return kh;
}

async function watch(kh: KubeHttp, signal = new AbortController().signal): Promise<{ got: string[]; err?: unknown }> {
  const got: string[] = [];
  try {
    await kh.watch('/api/v1/pods', { resourceVersion: '1', timeoutSeconds: 300, signal, onEvent: (type, o) => void got.push(`${type} ${o.metadata.name}`) });
    return { got };
  } catch (err) {
    return { got, err };
  }
}

const head = (status: string, headers: string[]) => `HTTP/1.1 ${status}\r\n${headers.join('\r\n')}\r\n\r\n`;
const expected = events.map((_, i) => `MODIFIED p-${i}`);

t.test('chunked: sizes in either case, extensions and trailers, after an interim answer, cut at any byte', async (t) => {
  let request = '';
  const body = events
    .map((e, i) => {
      const size = Buffer.byteLength(e).toString(16);
      return `${i % 2 ? size.toUpperCase() : size}${i % 3 === 0 ? ';ext=1' : ''}\r\n${e}\r\n`;
    })
    .join('');
  const kh = await serve(t, (r) => {
    request = r;
    // An interim answer first (a proxy's Early Hints): the real one follows it.
    return Buffer.from(head('103 Early Hints', ['Link: </x>']) + head('200 OK', ['Content-Type: application/json', 'Transfer-Encoding: chunked']) + body + '0\r\nX-Trailer: yes\r\n\r\n');
  });
  const { got, err } = await watch(kh);
  t.equal(err, undefined, 'the stream ended cleanly');
  t.same(got, expected);
  t.match(request, /^GET \/api\/v1\/pods\?watch=1&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=300 HTTP\/1\.1\r\n/);
  t.match(request, /\r\nHost: 127\.0\.0\.1:\d+\r\n/);
  t.match(request, /\r\nAuthorization: Bearer podlights-sim-x\r\n/, 'the credentials go along');
  t.match(request, /\r\nConnection: close\r\n\r\n$/);
});

t.test('one event cut over several chunks, several events in one chunk', async (t) => {
  const all = events.join('');
  const pieces = [all.slice(0, 7), all.slice(7, 2000), all.slice(2000)];
  const body = pieces.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('');
  const kh = await serve(t, () => Buffer.from(head('200 OK', ['Transfer-Encoding: chunked']) + body + '0\r\n\r\n'), { step: 97 });
  const { got, err } = await watch(kh);
  t.equal(err, undefined);
  t.same(got, expected);
});

t.test('Content-Length and a body up to the close', async (t) => {
  const all = events.join('');
  const sized = await serve(t, () => Buffer.from(head('200 OK', [`Content-Length: ${Buffer.byteLength(all)}`]) + all), { keepOpen: true });
  t.same((await watch(sized)).got, expected, 'Content-Length: the body ends with its length, the connection open or not');
  const toClose = await serve(t, () => Buffer.from(head('200 OK', ['Content-Type: application/json']) + all));
  const r = await watch(toClose);
  t.equal(r.err, undefined);
  t.same(r.got, expected, 'no length: the body ends with the connection');
});

t.test('an error answer is read whole and said with its reason', async (t) => {
  const status = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (2)' });
  const kh = await serve(t, () => Buffer.from(head('410 Gone', ['Content-Type: application/json', `Content-Length: ${status.length}`]) + status), { keepOpen: true });
  const { err } = await watch(kh);
  t.ok(err instanceof KubeError && err.expired, String(err));
  t.match((err as Error).message, /HTTP 410 Expired: too old resource version/);
});

t.test('what goes wrong on the wire is said, never hangs', async (t) => {
  const bad = await serve(t, () => Buffer.from(head('200 OK', ['Transfer-Encoding: chunked']) + `${Buffer.byteLength(events[0]).toString(16)}\r\n${events[0]}\r\nzz\r\n`), { keepOpen: true });
  let r = await watch(bad);
  t.same(r.got, ['MODIFIED p-0'], 'the events before the damage are delivered');
  t.ok(r.err instanceof KubeError && r.err.kind === 'decode', String(r.err));
  t.match((r.err as Error).message, /malformed chunked encoding/);

  const cut = await serve(t, () => Buffer.from(head('200 OK', ['Transfer-Encoding: chunked']) + `${Buffer.byteLength(events[0]).toString(16)}\r\n${events[0]}\r\n`));
  r = await watch(cut);
  t.same(r.got, ['MODIFIED p-0']);
  t.ok(r.err instanceof KubeError && r.err.kind === 'network', `closed mid-stream: ${String(r.err)}`);

  const notHttp = await serve(t, () => Buffer.from('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
  r = await watch(notHttp);
  t.ok(r.err instanceof KubeError && r.err.kind === 'decode', String(r.err));
  t.match((r.err as Error).message, /not an HTTP response: SSH-2\.0/);

  const quiet = await serve(t, () => Buffer.from(head('200 OK', ['Transfer-Encoding: chunked'])), { keepOpen: true });
  const abort = new AbortController();
  const pending = watch(quiet, abort.signal);
  setTimeout(() => abort.abort(), 100);
  r = await pending;
  t.ok(r.err instanceof KubeError && r.err.kind === 'aborted', `aborted: ${String(r.err)}`);
});
