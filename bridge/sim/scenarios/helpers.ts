// Building blocks for scenarios: demo workloads (labelled for the seed's Blinkt agent and for
// podlights), apply-like create-or-update, and waits that follow the store's events.
import type { SimCluster } from '../cluster.ts';
import { isStatusError } from '../errors.ts';
import { clone } from '../objects.ts';
import { R, type ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ScenarioContext } from './types.ts';

export const DEMO_NS = 'podlights-demo';
/**
 * The stories' colors. The seed's v2 violet (a81399) read as the "more pods than LEDs" magenta
 * and its blue (0000ff) as a board waiting for the bridge, and its broken release was painted
 * crash red: each now keeps its distance from every state color (bridge/view/colors.ts, tested).
 */
export const COLORS = { v1: 'ffff00', v2: '00b4ff', blue: '00b4ff', green: '00ff00' };
/** Real multi-arch images (amd64 and arm64), so the same manifests run on the hybrid cluster. */
export const IMAGES = { v1: 'nginx:1.26-alpine', v2: 'nginx:1.27-alpine', broken: 'busybox:1.36' };

export interface DemoWorkload {
  name: string;
  /** The app label (several deployments of one app share it: blue-green, canary). */
  app?: string;
  /** With a shared app label, the label that tells the deployments apart (selector: app+track). */
  track?: string;
  replicas: number;
  version: string;
  color: string;
  image?: string;
  strategy?: 'RollingUpdate' | 'Recreate';
  /** Pod template annotations (simulator behaviour: sim.podlights.io/*). */
  podAnnotations?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function demoLabels(w: { app: string; version: string; color: string }): Record<string, string> {
  return { app: w.app, version: w.version, blinkt: 'show', blinktColor: w.color, 'podlights.io/show': 'true' };
}

export function demoDeployment(w: DemoWorkload): KubeObject {
  const app = w.app ?? w.name;
  const spec: Record<string, any> = {
    replicas: w.replicas,
    selector: { matchLabels: w.track ? { app, track: w.track } : { app } },
    template: {
      metadata: { labels: { ...demoLabels({ app, version: w.version, color: w.color }), ...(w.track ? { track: w.track } : {}) } },
      spec: { containers: [{ name: 'app', image: w.image ?? (w.version === 'v2' ? IMAGES.v2 : IMAGES.v1), ports: [{ containerPort: 80 }] }] },
    },
  };
  if (w.podAnnotations) spec.template.metadata.annotations = { ...w.podAnnotations };
  if (w.strategy === 'Recreate') spec.strategy = { type: 'Recreate' };
  const metadata: Record<string, any> = { name: w.name, namespace: DEMO_NS, labels: { app, 'podlights.io/show': 'true' } };
  if (w.annotations) metadata.annotations = { ...w.annotations };
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec };
}

/** Creates, or replaces labels/annotations/spec of the existing object (like kubectl apply). */
export function apply(cluster: SimCluster, res: ResourceType, obj: KubeObject): KubeObject {
  const ns = obj.metadata.namespace;
  if (ns && !cluster.store.get(R.namespaces, undefined, ns)) cluster.api.create(R.namespaces, { metadata: { name: ns } });
  const current = cluster.api.tryGet(res, ns, String(obj.metadata.name));
  if (!current) return cluster.api.create(res, obj);
  const next = clone(current);
  next.metadata.labels = obj.metadata.labels;
  next.metadata.annotations = { ...(current.metadata.annotations ?? {}), ...(obj.metadata.annotations ?? {}) };
  next.spec = { ...clone(current.spec), ...clone(obj.spec) };
  return cluster.api.update(res, next);
}

export function deleteIfExists(cluster: SimCluster, res: ResourceType, namespace: string, name: string): void {
  try {
    cluster.api.delete(res, namespace, name);
  } catch (err) {
    if (!isStatusError(err, 'NotFound')) throw err;
  }
}

export function scale(cluster: SimCluster, name: string, replicas: number): void {
  cluster.api.patch(R.deployments, DEMO_NS, name, 'merge', { spec: { replicas } }, { subresource: 'scale' });
}

/** Patches the pod template (strategic merge), as `kubectl patch` or `set image` would. */
export function patchTemplate(cluster: SimCluster, name: string, template: Record<string, unknown>): void {
  cluster.api.patch(R.deployments, DEMO_NS, name, 'strategic', { spec: { template } });
}

/** The rollout is complete, as `kubectl rollout status` decides it. */
export function rolledOut(cluster: SimCluster, name: string, namespace = DEMO_NS): boolean {
  const d = cluster.store.get(R.deployments, namespace, name);
  if (!d) return false;
  const s = d.status ?? {};
  const want = Number(d.spec?.replicas ?? 1);
  return Number(s.observedGeneration ?? 0) >= Number(d.metadata.generation ?? 1) &&
    Number(s.updatedReplicas ?? 0) === want && Number(s.replicas ?? 0) === want && Number(s.availableReplicas ?? 0) === want;
}

/** Resolves once `check()` holds, re-checking after every store change of any given cluster. */
export function waitFor(ctx: ScenarioContext, opts: { clusters: SimCluster[]; what: string; timeoutMs?: number; check: () => boolean }): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ctx.signal.aborted) return reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
    let scheduled = false;
    const unsubs: Array<() => void> = [];
    const finish = (err?: Error) => {
      for (const u of unsubs) u();
      timer.cancel();
      ctx.signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const test = () => {
      scheduled = false;
      if (opts.check()) finish();
    };
    const onAbort = () => finish(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'));
    const timer = ctx.clock.setTimer(opts.timeoutMs ?? 600_000, () => finish(new Error(`timed out waiting for ${opts.what}`)));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    for (const c of opts.clusters) {
      unsubs.push(c.store.subscribe(() => {
        if (!scheduled) {
          scheduled = true;
          setImmediate(test);
        }
      }));
    }
    test();
  });
}

export function waitRolledOut(ctx: ScenarioContext, cluster: SimCluster, name: string): Promise<void> {
  return waitFor(ctx, { clusters: [cluster], what: `deployment ${name} to roll out`, check: () => rolledOut(cluster, name) });
}

export function sleep(ctx: ScenarioContext, ms: number): Promise<void> {
  return ctx.clock.sleep(ms, ctx.signal);
}

/** A sleep the audience is told about: dead air on the strips shows a countdown instead. */
export async function countdown(ctx: ScenarioContext, label: string, ms: number): Promise<void> {
  ctx.countdown?.(label, ms);
  try {
    await sleep(ctx, ms);
  } finally {
    ctx.countdown?.('', 0);
  }
}

/**
 * The strips are done when Kubernetes is: no pod of the story still Terminating or not yet
 * Running. A rollout counts as complete before its old pods have faded, so a story waits for
 * this before it says "done".
 */
export function settled(ctx: ScenarioContext, clusters: SimCluster[]): Promise<void> {
  return waitFor(ctx, {
    clusters,
    what: 'the pods to settle',
    check: () => clusters.every((c) => c.store.list(R.pods, DEMO_NS).every((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running')),
  });
}

/**
 * Runs `body`; if the story is stopped halfway, `restore` puts back what it broke (a node it
 * switched off...), so a stopped story never leaves the stage broken until the next one.
 */
export async function restoring(ctx: ScenarioContext, body: () => Promise<void>, restore: () => void): Promise<void> {
  try {
    await body();
  } catch (err) {
    if (ctx.signal.aborted) restore();
    throw err;
  }
}
