// Prometheus text exposition of the bridge's counters: per cluster watch, per board session,
// per transport. Names follow Prometheus conventions (podlights_*_total for counters).
import type { Bridge } from '../controller.ts';
import type { Transport } from '../transports/types.ts';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function line(name: string, labels: Record<string, string>, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
  return `${name}{${l}} ${Number.isFinite(value) ? value : 0}`;
}

export function metricsText(bridge: Bridge, transports: Transport[]): string {
  const out: string[] = [];
  const HEALTH = { healthy: 0, degraded: 1, unreachable: 2 };
  out.push('# HELP podlights_cluster_health 0 healthy, 1 degraded, 2 unreachable', '# TYPE podlights_cluster_health gauge');
  for (const c of bridge.clusters) out.push(line('podlights_cluster_health', { cluster: c.name }, HEALTH[c.state().health]));
  out.push('# HELP podlights_cluster_pods pods the bridge knows of', '# TYPE podlights_cluster_pods gauge');
  for (const c of bridge.clusters) out.push(line('podlights_cluster_pods', { cluster: c.name }, c.state().pods.size));
  out.push('# HELP podlights_watch_events_total watch counters by cluster, resource and kind', '# TYPE podlights_watch_events_total counter');
  for (const c of bridge.clusters) {
    for (const s of c.statuses()) {
      for (const [kind, n] of Object.entries(s.counters)) out.push(line('podlights_watch_events_total', { cluster: c.name, path: s.path, kind }, n));
    }
  }
  out.push('# HELP podlights_board_online 1 when the board is online', '# TYPE podlights_board_online gauge');
  const boards = bridge.link.boards();
  for (const b of boards) out.push(line('podlights_board_online', { board: b.boardId, transport: b.transport }, b.online ? 1 : 0));
  out.push('# HELP podlights_board_total per-board session counters', '# TYPE podlights_board_total counter');
  for (const b of boards) {
    for (const [kind, n] of Object.entries(b.stats)) out.push(line('podlights_board_total', { board: b.boardId, kind }, n));
  }
  out.push('# HELP podlights_transport_up 1 when the transport is up', '# TYPE podlights_transport_up gauge');
  for (const t of transports) out.push(line('podlights_transport_up', { transport: t.name }, t.health().state === 'up' ? 1 : 0));
  out.push('# HELP podlights_transport_total per-transport counters', '# TYPE podlights_transport_total counter');
  for (const t of transports) {
    for (const [kind, n] of Object.entries(t.health().counters)) out.push(line('podlights_transport_total', { transport: t.name, kind }, n));
  }
  out.push('# HELP podlights_view_total view recomputations and errors', '# TYPE podlights_view_total counter');
  for (const [kind, n] of Object.entries(bridge.counters)) out.push(line('podlights_view_total', { kind }, n));
  return `${out.join('\n')}\n`;
}
