// Prometheus metrics with prom-client. The parts keep plain counters (so they stay testable and
// free of a metrics dependency); these collectors read them at scrape time.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bridge } from '../controller.ts';
import type { Transport } from '../transports/types.ts';

const HEALTH = { healthy: 0, degraded: 1, unreachable: 2 };

/** A counter whose values come from elsewhere: reset and refilled at each scrape. */
function mirrored(registry: Registry, name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, n: number) => void) => void): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, n) => this.inc(labels, Number.isFinite(n) && n > 0 ? n : 0));
    },
  });
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, n: number) => void) => void): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      fill((labels, n) => this.set(labels, Number.isFinite(n) ? n : 0));
    },
  });
}

export function bridgeRegistry(bridge: Bridge, transports: Transport[]): Registry {
  const r = new Registry();
  collectDefaultMetrics({ register: r, prefix: 'podlights_process_' });
  gauge(r, 'podlights_cluster_health', 'Cluster health: 0 healthy, 1 degraded, 2 unreachable', ['cluster'], (set) => {
    for (const c of bridge.clusters) set({ cluster: c.name }, HEALTH[c.state().health]);
  });
  gauge(r, 'podlights_cluster_pods', 'Pods the bridge knows of, per cluster', ['cluster'], (set) => {
    for (const c of bridge.clusters) set({ cluster: c.name }, c.state().pods.size);
  });
  mirrored(r, 'podlights_watch_events_total', 'Watch activity per cluster, resource and label selector: lists, watches, events, bookmarks, expired (410 relists), deadWatches (found by a probe), probes, errors, handlerErrors', ['cluster', 'resource', 'selector', 'kind'], (set) => {
    for (const c of bridge.clusters) for (const s of c.allStatuses()) for (const [kind, n] of Object.entries(s.counters)) set({ cluster: c.name, resource: s.path, selector: s.labelSelector ?? '', kind }, n);
  });
  mirrored(r, 'podlights_link_total', 'Link counters: HELLOs rejected, duplicate HELLOs, boards refused and forgotten, RESYNCs from unknown boards, session errors', ['kind'], (set) => {
    for (const [kind, n] of Object.entries(bridge.link.counters)) set({ kind }, n);
  });
  gauge(r, 'podlights_boards_online', 'Boards online, per transport', ['transport'], (set) => {
    const by = new Map<string, number>();
    for (const b of bridge.link.boards()) by.set(b.transport, (by.get(b.transport) ?? 0) + (b.online ? 1 : 0));
    for (const [transport, n] of by) set({ transport }, n);
  });
  gauge(r, 'podlights_board_online', '1 while the board is online', ['board', 'transport'], (set) => {
    for (const b of bridge.link.boards()) set({ board: b.boardId, transport: b.transport }, b.online ? 1 : 0);
  });
  gauge(r, 'podlights_board_queue_depth', 'Messages waiting for the next flush, per board (coalesced, bounded by the board state)', ['board'], (set) => {
    for (const b of bridge.link.boards()) set({ board: b.boardId }, b.pending);
  });
  mirrored(r, 'podlights_board_total', 'Per-board session counters: snapshots, deltaFrames, heartbeats, messages, bytes, resyncs, retained, sendErrors', ['board', 'kind'], (set) => {
    for (const b of bridge.link.boards()) for (const [kind, n] of Object.entries(b.stats)) set({ board: b.boardId, kind }, n);
  });
  gauge(r, 'podlights_transport_up', '1 while the transport is up', ['transport'], (set) => {
    for (const t of transports) set({ transport: t.name }, t.health().state === 'up' ? 1 : 0);
  });
  mirrored(r, 'podlights_transport_total', 'Per-transport counters (frames and bytes out, errors, reconnects, drops)', ['transport', 'kind'], (set) => {
    for (const t of transports) for (const [kind, n] of Object.entries(t.health().counters)) set({ transport: t.name, kind }, n);
  });
  mirrored(r, 'podlights_view_total', 'View recomputations and errors', ['kind'], (set) => {
    for (const [kind, n] of Object.entries(bridge.counters)) set({ kind }, n);
  });
  return r;
}
