// The live log: the simulator's pods, deployments and nodes as they change, as short lines a
// person can follow next to the strips ("eu  pod web-7c9f-x2k4q Running on eu-arm64-1").
// It listens to the simulated store directly: the page's log is commentary on what the strips
// show, while the strips themselves come only from the bridge and the boards.
import type { SimCluster } from '../sim/cluster.ts';
import type { StoredEvent } from '../sim/history.ts';
import { R } from '../sim/resources.ts';
import type { KubeObject } from '../sim/types.ts';
import type { LogLine, LogTone } from '../web/messages.ts';

type Emit = (line: LogLine) => void;

const HIDDEN_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function podPhase(p: KubeObject | undefined): string {
  if (!p) return '';
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const waiting = (p.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).find(Boolean);
  if (waiting) return String(waiting);
  const phase = String(p.status?.phase ?? 'Pending');
  if (phase === 'Running') {
    const ready = (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
    return ready ? 'Running' : 'Running, not ready';
  }
  return p.spec?.nodeName && phase === 'Pending' ? 'ContainerCreating' : phase;
}

const restarts = (p: KubeObject | undefined): number =>
  (p?.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + Number(c.restartCount ?? 0), 0);

function podLine(ev: StoredEvent): [LogTone, string] | undefined {
  const p = ev.object;
  const name = `pod ${p.metadata.name}`;
  if (ev.type === 'ADDED') return ['add', `${name} created`];
  if (ev.type === 'DELETED') return ['del', `${name} deleted`];
  const before = ev.prev;
  if (!before?.spec?.nodeName && p.spec?.nodeName) return ['info', `${name} scheduled on ${p.spec.nodeName}`];
  const was = podPhase(before);
  const now = podPhase(p);
  if (restarts(p) > restarts(before)) return ['warn', `${name} restarted (${restarts(p)} restarts)`];
  if (was === now) return undefined;
  const tone: LogTone = now === 'Terminating' ? 'del' : /BackOff|Error|Failed|Unknown/.test(now) ? 'warn' : 'info';
  return [tone, `${name} ${now}`];
}

function deploymentLine(ev: StoredEvent): [LogTone, string] | undefined {
  const d = ev.object;
  const name = `deployment ${d.metadata.name}`;
  const color = d.spec?.template?.metadata?.labels?.blinktColor;
  if (ev.type === 'ADDED') return ['add', `${name} created (${d.spec?.replicas ?? 1} replicas${color ? `, color ${color}` : ''})`];
  if (ev.type === 'DELETED') return ['del', `${name} deleted`];
  const before = ev.prev;
  if (!before) return undefined;
  const want = Number(d.spec?.replicas ?? 1);
  const had = Number(before.spec?.replicas ?? 1);
  if (want !== had) return ['info', `${name} scaled ${had} -> ${want}`];
  if (JSON.stringify(d.spec?.template) !== JSON.stringify(before.spec?.template)) {
    const image = d.spec?.template?.spec?.containers?.[0]?.image;
    const version = d.spec?.template?.metadata?.labels?.version;
    return ['info', `${name} rollout started${version ? ` to ${version}` : ''}${image ? ` (${image})` : ''}`];
  }
  const traffic = d.metadata.annotations?.['podlights.io/traffic'];
  if (traffic && traffic !== before.metadata.annotations?.['podlights.io/traffic']) return ['warn', `${name} traffic: ${traffic}`];
  const s = d.status ?? {};
  const b = before.status ?? {};
  const done = (x: any) => Number(x.updatedReplicas ?? 0) === want && Number(x.availableReplicas ?? 0) === want && Number(x.replicas ?? 0) === want;
  if (Number(s.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 1) && done(s) && !done(b)) return ['add', `${name} rolled out: ${want}/${want} available`];
  return undefined;
}

function nodeLine(ev: StoredEvent): [LogTone, string] | undefined {
  const ready = (n: KubeObject | undefined) => (n?.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
  if (ev.type !== 'MODIFIED' || ready(ev.object) === ready(ev.prev)) return undefined;
  const now = ready(ev.object);
  return now === 'True' ? ['add', `node ${ev.object.metadata.name} Ready`] : ['warn', `node ${ev.object.metadata.name} NotReady (${now})`];
}

/** Follows the clusters' stores; returns a function that stops following. */
export function followEvents(clusters: SimCluster[], emit: Emit): () => void {
  const unsubs = clusters.map((c) =>
    c.store.subscribe((ev) => {
      const ns = ev.object.metadata.namespace;
      if (ns && HIDDEN_NAMESPACES.has(ns)) return;
      const line = ev.resource === R.pods ? podLine(ev) : ev.resource === R.deployments ? deploymentLine(ev) : ev.resource === R.nodes ? nodeLine(ev) : undefined;
      if (line) emit({ t: Date.now(), cluster: c.name, tone: line[0], text: line[1] });
    }),
  );
  return () => {
    for (const u of unsubs) u();
  };
}
