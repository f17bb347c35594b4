// Strategic merge patch, the patch type kubectl sends for apply, set image and edit. Lists of
// structs merge element by element on a merge key (containers by name, env by name, ports by
// containerPort...) instead of being replaced; the $patch, $retainKeys, $setElementOrder and
// $deleteFromPrimitiveList directives are honoured. Merge keys come from a table of the
// built-in types the simulator serves, not from OpenAPI (see README: differences).
import { errors } from './errors.ts';
import { clone, deepEqual, isPlainObject } from './objects.ts';

const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  ownerReferences: 'uid',
  conditions: 'type',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  schedulingGates: 'name',
};

/** Lists of scalars whose patch strategy is merge (set union) rather than replace. */
const PRIMITIVE_MERGE = new Set(['finalizers']);

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

function mergeKeyFor(field: string, path: string[]): string | undefined {
  if (field === 'ports') return path.some((p) => CONTAINER_LISTS.has(p)) ? 'containerPort' : 'port';
  return MERGE_KEYS[field];
}

function isDirective(key: string): boolean {
  return key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/') || key.startsWith('$deleteFromPrimitiveList/');
}

/** A patch fragment stripped of directives, for values that land where nothing was before. */
function strip(value: unknown, field: string, path: string[]): unknown {
  if (Array.isArray(value)) {
    return value.filter((e) => !(isPlainObject(e) && (e.$patch === 'delete' || e.$patch === 'replace'))).map((e) => strip(e, field, path));
  }
  if (!isPlainObject(value)) return value;
  return mergeMap({}, value, [...path, field]);
}

function reorder(list: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const id = (e: unknown) => (key && isPlainObject(e) ? e[key] : e);
  const wanted = order.map((o) => (key && isPlainObject(o) ? o[key] : o));
  const listed: unknown[] = [];
  for (const w of wanted) {
    const hit = list.find((e) => deepEqual(id(e), w));
    if (hit !== undefined) listed.push(hit);
  }
  const rest = list.filter((e) => !wanted.some((w) => deepEqual(id(e), w)));
  return [...listed, ...rest];
}

function mergeList(orig: unknown, patch: unknown[], field: string, path: string[]): unknown[] {
  const base = Array.isArray(orig) ? orig : [];
  if (patch.some((e) => isPlainObject(e) && e.$patch === 'replace')) return strip(patch, field, path) as unknown[];
  const key = mergeKeyFor(field, path);
  if (PRIMITIVE_MERGE.has(field)) {
    const out = [...base];
    for (const v of patch) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return out;
  }
  if (!key || !patch.every(isPlainObject)) return strip(patch, field, path) as unknown[];
  const out: unknown[] = [...base];
  for (const pe of patch as Record<string, unknown>[]) {
    if (!(key in pe)) throw errors.badRequest(`strategic merge patch: map in list '${field}' has no merge key '${key}'`);
    const at = out.findIndex((o) => isPlainObject(o) && deepEqual(o[key], pe[key]));
    if (pe.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeMap(out[at], pe, [...path, field]);
    else out.push(mergeMap({}, pe, [...path, field]));
  }
  return out;
}

function mergeMap(orig: unknown, patch: Record<string, unknown>, path: string[]): Record<string, unknown> {
  if (patch.$patch === 'replace') return strip({ ...patch, $patch: undefined }, '', path.slice(0, -1)) as Record<string, unknown>;
  const out: Record<string, unknown> = isPlainObject(orig) ? { ...orig } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (isDirective(k) || v === undefined) continue;
    if (v === null) delete out[k];
    else if (isPlainObject(v)) {
      if (v.$patch === 'delete') delete out[k];
      else out[k] = mergeMap(out[k], v, [...path, k]);
    } else if (Array.isArray(v)) out[k] = mergeList(out[k], v, k, path);
    else out[k] = clone(v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/') && Array.isArray(v)) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((e) => !v.some((d) => deepEqual(d, e)));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') && Array.isArray(v)) {
      const field = k.slice('$setElementOrder/'.length);
      if (Array.isArray(out[field])) out[field] = reorder(out[field] as unknown[], v, mergeKeyFor(field, path));
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) throw errors.badRequest('strategic merge patch: the body must be a JSON object');
  return mergeMap(target, patch, []);
}
