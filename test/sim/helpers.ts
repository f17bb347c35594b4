// Shared helpers for the simulator tests: raw HTTP calls, a line reader for watch streams,
// and a client-node KubeConfig for a simulated cluster.
import { request, type IncomingMessage } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { SimCluster } from '../../bridge/sim/cluster.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';

export async function call(cluster: SimCluster, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(`${cluster.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (health endpoints)
  }
  return { status: res.status, json, headers: res.headers };
}

export interface WatchHandle {
  status: number;
  events: any[];
  ended: boolean;
  /** Resolves when `n` events have arrived (or rejects after ms). */
  waitFor(n: number, ms?: number): Promise<any[]>;
  waitEnd(ms?: number): Promise<void>;
  close(): void;
}

/** Opens a watch with node:http so a test controls (and sees the end of) the connection. */
export function openWatch(cluster: SimCluster, path: string): Promise<WatchHandle> {
  return new Promise((resolve, reject) => {
    const req = request(`${cluster.url}${path}`, (res: IncomingMessage) => {
      const h: WatchHandle = {
        status: res.statusCode ?? 0,
        events: [],
        ended: false,
        waitFor: (n, ms = 5000) => until(() => h.events.length >= n, ms, () => `${n} events, have ${JSON.stringify(h.events.map((e) => e.type))}`).then(() => h.events),
        waitEnd: (ms = 5000) => until(() => h.ended, ms, () => 'the stream to end'),
        close: () => req.destroy(),
      };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) h.events.push(JSON.parse(line));
        }
      });
      res.on('end', () => { h.ended = true; });
      res.on('close', () => { h.ended = true; });
      res.on('error', () => { h.ended = true; });
      resolve(h);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function until(check: () => boolean, ms: number, what: () => string = () => 'a condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function kubeConfigFor(cluster: SimCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigText([{ name: cluster.name, url: cluster.url }]));
  return kc;
}

export function deployment(name: string, opts: { replicas?: number; image?: string; strategy?: any; labels?: Record<string, string> } = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: opts.replicas ?? 1,
      strategy: opts.strategy,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...opts.labels } }, spec: { containers: [{ name: 'app', image: opts.image ?? 'nginx:1.26' }] } },
    },
  };
}
