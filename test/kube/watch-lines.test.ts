// Watch events arrive in reads that cut them anywhere; lines joined across reads (in a reused
// scratch buffer) must decode exactly, one after the other, with pod projection and without.
import t from 'tap';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeHttp } from '../../bridge/kube/http.ts';
import { fromKubeconfig } from '../../bridge/kube/connect.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { decodePod, leanOf } from '../../bridge/kube/pod-decoder.ts';

const pod = (i: number) => ({
  metadata: { name: `p-${i}`, namespace: 'default', uid: `u-${i}`, resourceVersion: String(100 + i), labels: { app: 'a', n: 'x'.repeat(i * 37) } },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i'.repeat(i * 101) }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: i % 2 ? 'True' : 'False' }] },
});

t.test('events cut at every byte boundary arrive whole and in order', async (t) => {
  const stream = Buffer.from(Array.from({ length: 30 }, (_, i) => JSON.stringify({ type: 'MODIFIED', object: pod(i) }) + '\n').join(''));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Reads of 1, 2, 3, ... 97 bytes, over and over: every event is split somewhere.
    let at = 0;
    let n = 1;
    const next = (): void => {
      if (at >= stream.length) return void res.end();
      res.write(stream.subarray(at, at + n), () => setImmediate(next));
      at += n;
      n = (n % 97) + 1;
    };
    next();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [source] = fromKubeconfig({ text: kubeconfigText([{ name: 'x', url }]) });
  for (const fields of [undefined, decodePod]) {
    const kh = new KubeHttp(source.kubeConfig);
    const got: string[] = [];
    await kh.watch('/api/v1/pods', {
      resourceVersion: '1',
      timeoutSeconds: 5,
      signal: new AbortController().signal,
      fields,
      onEvent: (type, obj) => {
        const p = leanOf(obj);
        got.push(`${type} ${p.name} ${p.ready} ${p.labels.n.length}`);
      },
    });
    kh.close();
    t.same(got, Array.from({ length: 30 }, (_, i) => `MODIFIED p-${i} ${i % 2 === 1} ${i * 37}`), fields ? 'projected' : 'whole');
  }
});
