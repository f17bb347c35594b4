// Operations endpoints: /healthz (the process answers), /readyz (every cluster synced and every
// transport up: what a Kubernetes readiness probe wants), /metrics (Prometheus), /boards (JSON).
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bridge } from '../controller.ts';
import type { Transport } from '../transports/types.ts';
import { bridgeRegistry } from './metrics.ts';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  bridge: Bridge;
  transports: Transport[];
  host: string;
  port: number;
}

export class OpsServer {
  private server: Server | undefined;
  private readonly registry: Registry;

  constructor(private readonly options: OpsServerOptions) {
    this.registry = bridgeRegistry(options.bridge, options.transports);
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  readiness(): { ready: boolean; clusters: Record<string, string>; transports: Record<string, string> } {
    const clusters = Object.fromEntries(this.options.bridge.clusters.map((c) => [c.name, c.state().health]));
    const transports = Object.fromEntries(this.options.transports.map((t) => [t.name, t.health().state]));
    const ready = Object.values(clusters).every((h) => h !== 'unreachable') && Object.values(transports).every((s) => s === 'up');
    return { ready, clusters, transports };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      const send = (code: number, type: string, body: string) => {
        res.writeHead(code, { 'content-type': type });
        res.end(body);
      };
      if (url === '/healthz') return send(200, 'text/plain', 'ok\n');
      if (url === '/readyz') {
        const r = this.readiness();
        return send(r.ready ? 200 : 503, 'application/json', `${JSON.stringify(r)}\n`);
      }
      if (url === '/metrics') {
        this.registry.metrics().then(
          (text) => send(200, this.registry.contentType, text),
          (err: Error) => send(500, 'text/plain', `metrics failed: ${err.message}\n`),
        );
        return;
      }
      if (url === '/boards') return send(200, 'application/json', `${JSON.stringify(this.options.bridge.link.boards(), null, 2)}\n`);
      send(404, 'text/plain', 'not found: try /healthz /readyz /metrics /boards\n');
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port, this.options.host, () => resolve());
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections?.();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
