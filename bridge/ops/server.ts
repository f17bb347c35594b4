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

  /**
   * Ready while every cluster is reachable and every transport up; a cluster with a problem
   * (forbidden by RBAC, refused credentials, unreachable, a stale watch) is named with it.
   */
  readiness(): { ready: boolean; clusters: Record<string, string>; problems: Record<string, string>; transports: Record<string, string> } {
    const clusters = Object.fromEntries(this.options.bridge.clusters.map((c) => [c.name, c.state().health]));
    const problems: Record<string, string> = {};
    for (const c of this.options.bridge.clusters) {
      const p = c.problem();
      if (p) problems[c.name] = `${p.problem}: ${p.detail}`;
    }
    const transports = Object.fromEntries(this.options.transports.map((t) => [t.name, t.health().state]));
    const forbidden = Object.values(problems).some((p) => p.startsWith('forbidden') || p.startsWith('unauthorized'));
    const ready = !forbidden && Object.values(clusters).every((h) => h !== 'unreachable') && Object.values(transports).every((s) => s === 'up');
    return { ready, clusters, problems, transports };
  }

  /**
   * Alive unless something is stuck: the link's flush loop stopped turning, or a cluster's watch
   * loop made no progress although every request has a deadline (liveness then restarts the pod).
   */
  liveness(now = Date.now()): { alive: boolean; reason?: string } {
    const bridge = this.options.bridge;
    if (bridge.link.lastFlushAt > 0 && now - bridge.link.lastFlushAt > 60_000) return { alive: false, reason: `the link has not flushed for ${Math.round((now - bridge.link.lastFlushAt) / 1000)} s` };
    const stuck = bridge.clusters.find((c) => c.wedged(now));
    if (stuck) return { alive: false, reason: `the watches of cluster ${stuck.name} made no progress` };
    return { alive: true };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      const send = (code: number, type: string, body: string) => {
        res.writeHead(code, { 'content-type': type });
        res.end(body);
      };
      if (url === '/healthz') {
        const l = this.liveness();
        return l.alive ? send(200, 'text/plain', 'ok\n') : send(503, 'text/plain', `wedged: ${l.reason}\n`);
      }
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
