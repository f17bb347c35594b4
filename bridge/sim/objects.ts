// Small helpers over plain JSON objects. Stored objects are treated as immutable: whoever wants
// to change one clones it first, so a watcher holding an older version never sees it move.
import type { Condition, KubeObject, OwnerReference } from './types.ts';

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual(ra[k], rb[k]));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objectKey(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : String(obj.metadata.name);
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerOf(obj)?.uid === owner.metadata.uid;
}

export function ownerRef(owner: KubeObject, opts: { controller?: boolean } = {}): OwnerReference {
  return {
    apiVersion: String(owner.apiVersion),
    kind: String(owner.kind),
    name: String(owner.metadata.name),
    uid: String(owner.metadata.uid),
    controller: opts.controller ?? true,
    blockOwnerDeletion: true,
  };
}

export function getCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Sets a condition the way Kubernetes controllers do: lastTransitionTime only moves when the
 * status flips, so `kubectl describe` and rollout logic can tell how long a state has held.
 */
export function setCondition(conditions: Condition[], next: Condition, now: string): Condition[] {
  const old = conditions.find((c) => c.type === next.type);
  const merged: Condition = { ...next };
  if (old && old.status === next.status) merged.lastTransitionTime = old.lastTransitionTime ?? now;
  else merged.lastTransitionTime = now;
  if ('lastUpdateTime' in next || (old && 'lastUpdateTime' in old)) {
    const same = old && old.status === next.status && old.reason === next.reason && old.message === next.message;
    merged.lastUpdateTime = same ? (old?.lastUpdateTime ?? now) : now;
  }
  const out = conditions.filter((c) => c.type !== next.type);
  const at = conditions.findIndex((c) => c.type === next.type);
  if (at < 0) out.push(merged);
  else out.splice(at, 0, merged);
  return out;
}

/** Resolves an int-or-percent (maxSurge, maxUnavailable) against a total, rounding as asked. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid int-or-percent value '${v}'`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parses "1500ms", "3s", "2m" or a bare number of milliseconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
}
