// The demo's web server on 127.0.0.1: the page, a Server-Sent Events stream of everything the
// demo publishes (see bridge/web/messages.ts), and three small POST endpoints for the controls.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Asset } from './assets.ts';
import type { Demo, DemoEvent } from './demo.ts';

export interface WebServerOptions {
  demo: Demo;
  assets: Map<string, Asset>;
  host?: string;
  port: number;
  /** When the port is taken: try a free one instead of failing (the default port). */
  fallback?: boolean;
}

const MAX_BODY = 4096;

function sse(res: ServerResponse, type: string, data: unknown): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<any> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    throw new Error('request body is not JSON');
  }
}

export class WebServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private unsubscribe: (() => void) | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  port = 0;
  /** Set when the port asked for was taken and a free one was used instead. */
  movedFrom: number | undefined;

  constructor(private readonly options: WebServerOptions) {}

  get url(): string {
    const host = this.options.host ?? '127.0.0.1';
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.port}/`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    try {
      await listen(this.options.port);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !this.options.fallback) throw err;
      this.movedFrom = this.options.port;
      await listen(0);
    }
    this.port = (server.address() as AddressInfo).port;
    this.unsubscribe = this.options.demo.on((e) => this.broadcast(e));
    this.keepalive = setInterval(() => {
      for (const res of this.streams) res.write(': keepalive\n\n');
    }, 15_000);
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.keepalive);
    for (const res of this.streams) res.end();
    this.streams.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private broadcast(e: DemoEvent): void {
    for (const res of this.streams) sse(res, e.type, e.data);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const demo = this.options.demo;
    try {
      if (req.method === 'GET' && path === '/events') return this.openStream(req, res);
      if (req.method === 'GET' && path === '/api/state') {
        return json(res, 200, { init: demo.init(), boards: demo.boardsInfo(), workloads: demo.workloads(), scenario: demo.scenarios.state });
      }
      if (req.method === 'POST' && path === '/api/scenario') {
        const body = await readJson(req);
        await demo.scenarios.play(String(body.name ?? ''));
        return json(res, 200, demo.scenarios.state);
      }
      if (req.method === 'POST' && path === '/api/cancel') {
        await demo.scenarios.cancel();
        return json(res, 200, demo.scenarios.state);
      }
      if (req.method === 'POST' && path === '/api/scale') {
        const body = await readJson(req);
        demo.scale({ cluster: String(body.cluster), namespace: String(body.namespace), name: String(body.name), replicas: Number(body.replicas) });
        return json(res, 200, { ok: true });
      }
      const asset = req.method === 'GET' || req.method === 'HEAD' ? this.options.assets.get(path) : undefined;
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type, 'content-length': asset.body.length, 'cache-control': 'no-cache' });
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return;
      }
      json(res, 404, { error: `no ${req.method} ${path}` });
    } catch (err) {
      json(res, 400, { error: (err as Error).message });
    }
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    const demo = this.options.demo;
    sse(res, 'init', demo.init());
    for (const e of demo.snapshot()) sse(res, e.type, e.data);
    this.streams.add(res);
    req.once('close', () => this.streams.delete(res));
  }
}
