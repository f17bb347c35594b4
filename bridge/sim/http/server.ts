// The HTTP face of one simulated cluster: a node:http server on 127.0.0.1 that answers
// discovery, /version, health, OpenAPI and the resource paths, tracks every socket and watch so
// stop() leaves nothing behind, and implements the fault hooks that need the wire.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimApi } from '../api.ts';
import { errors } from '../errors.ts';
import type { FaultTarget, Faults } from '../faults.ts';
import type { Store } from '../store.ts';
import { VERSION_INFO, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { negotiate, sendError, sendJson } from './io.ts';
import { openApiV3Document, openApiV3Index } from './openapi.ts';
import { parseResourcePath } from './paths.ts';
import { handleResource } from './routes.ts';
import type { WatchStream } from './watch.ts';
import { expiredStatus, serveWatch, type WatchOptions } from './watch-request.ts';

export interface ApiServerOptions {
  api: SimApi;
  store: Store;
  faults: Faults;
  host?: string;
  port?: number;
  watch?: Partial<WatchOptions>;
  /** Called when the store should be renumbered on a restart (the cluster owns the store). */
  onReset?: () => void;
}

const DEFAULT_WATCH: WatchOptions = {
  bookmarkIntervalMs: 60_000,
  futureRvWaitMs: 3_000,
  maxBufferBytes: 64 * 1024 * 1024,
  defaultTimeoutMs: () => (1800 + Math.floor(Math.random() * 1800)) * 1000,
};

export class ApiServer implements FaultTarget {
  private readonly opts: ApiServerOptions;
  private readonly watchOptions: WatchOptions;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  readonly watches = new Set<WatchStream>();
  private boundPort: number;
  private readonly host: string;

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    this.host = opts.host ?? '127.0.0.1';
    this.boundPort = opts.port ?? 0;
    this.watchOptions = { ...DEFAULT_WATCH, ...opts.watch };
    opts.faults.attach(this);
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((err) => sendError(res, err));
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {}); // a client vanishing is not our problem
    });
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const w of [...this.watches]) w.close();
    this.watches.clear();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    server.closeAllConnections();
    await closed;
  }

  // ---- FaultTarget ----

  dropWatches(): number {
    let n = 0;
    for (const w of this.watches) {
      w.setMode('blackholed');
      n++;
    }
    return n;
  }

  resetConnections(): number {
    const n = this.sockets.size;
    for (const s of [...this.sockets]) {
      if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
      else s.destroy();
    }
    return n;
  }

  setWatchMode(mode: 'live' | 'stalled'): number {
    for (const w of this.watches) w.setMode(mode);
    return this.watches.size;
  }

  expireHistory(opts: { closeWatches: boolean }): number {
    const floor = this.opts.store.resourceVersion;
    this.opts.store.compact();
    if (!opts.closeWatches) return 0;
    let n = 0;
    for (const w of [...this.watches]) {
      w.fail(expiredStatus(floor, floor));
      n++;
    }
    return n;
  }

  async restart(opts: { resetResourceVersion: boolean; downMs: number }): Promise<void> {
    await this.stop();
    if (opts.resetResourceVersion) (this.opts.onReset ?? (() => this.opts.store.renumber()))();
    if (opts.downMs > 0) await new Promise((r) => setTimeout(r, opts.downMs));
    await this.start();
  }

  // ---- requests ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const resource = parseResourcePath(path);
    const watchParam = url.searchParams.get('watch');
    const isWatch = req.method === 'GET' && (watchParam === 'true' || watchParam === '1' || resource?.legacyWatch === true);
    const faults = this.opts.faults;
    const injected = faults.intercept({ method: req.method ?? 'GET', path, watch: isWatch });
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (injected) {
      req.resume();
      return sendError(res, injected);
    }
    if (resource) {
      if (isWatch) {
        return serveWatch({
          req, res, url, resource: resource.res, namespace: resource.namespace, name: resource.name,
          table: negotiate(req) === 'table', store: this.opts.store, options: this.watchOptions,
          register: (w) => {
            this.watches.add(w);
            w.onClose.add(() => this.watches.delete(w));
          },
        });
      }
      return handleResource({ api: this.opts.api, req, res, url, path: resource });
    }
    if (req.method !== 'GET') throw errors.methodNotAllowed();
    const doc = this.meta(path);
    if (doc === undefined) throw errors.pathNotFound();
    if (typeof doc === 'string') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(doc);
      return;
    }
    sendJson(res, 200, doc);
  }

  private meta(path: string): unknown {
    if (path === '/healthz' || path === '/livez' || path === '/readyz') return 'ok';
    if (path === '/version') return VERSION_INFO;
    if (path === '/api') return apiVersions(`${this.host}:${this.boundPort}`);
    if (path === '/apis') return apiGroupList();
    if (path === '/openapi/v3') return openApiV3Index();
    let m = /^\/api\/(v1)$/.exec(path);
    if (m) return apiResourceList('', m[1]);
    m = /^\/apis\/([^/]+)$/.exec(path);
    if (m) return apiGroup(m[1]);
    m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) return apiResourceList(m[1], m[2]);
    m = /^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/.exec(path);
    if (m) return openApiV3Document(m[1]);
    return undefined;
  }
}
