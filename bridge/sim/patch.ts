// JSON merge patch (RFC 7386) and JSON patch (RFC 6902). The strategic merge patch kubectl sends
// lives in strategic.ts. All functions return a new document and leave their inputs alone.
import { errors } from './errors.ts';
import { clone, deepEqual, isPlainObject } from './objects.ts';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw errors.badRequest(`json patch: invalid path '${path}'`);
  return path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function parentOf(doc: unknown, parts: string[], path: string): { parent: Container; key: string } {
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) throw errors.badRequest(`json patch: path '${path}' does not exist`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw errors.badRequest(`json patch: path '${path}' does not exist`);
  return { parent: cur, key: parts[parts.length - 1] };
}

function arrayIndex(arr: unknown[], key: string, path: string, forInsert: boolean): number {
  if (forInsert && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw errors.badRequest(`json patch: invalid array index in '${path}'`);
  const i = Number(key);
  if (i > arr.length || (!forInsert && i === arr.length)) throw errors.badRequest(`json patch: index out of range in '${path}'`);
  return i;
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isPlainObject(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) throw errors.badRequest(`json patch: path '${path}' does not exist`);
  }
  return cur;
}

function removeAt(doc: unknown, path: string): unknown {
  const parts = pointer(path);
  if (parts.length === 0) throw errors.badRequest('json patch: cannot remove the whole document');
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, path, false), 1)[0];
  if (!(key in parent)) throw errors.badRequest(`json patch: path '${path}' does not exist`);
  const old = parent[key];
  delete parent[key];
  return old;
}

function addAt(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, key, path, !replace);
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else {
    if (replace && !(key in parent)) throw errors.badRequest(`json patch: path '${path}' does not exist`);
    parent[key] = value;
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('json patch: the body must be an array of operations');
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isPlainObject(raw) || typeof raw.path !== 'string') throw errors.badRequest('json patch: each operation needs op and path');
    switch (raw.op) {
      case 'add': doc = addAt(doc, raw.path, clone(raw.value), false); break;
      case 'replace': doc = addAt(doc, raw.path, clone(raw.value), true); break;
      case 'remove': removeAt(doc, raw.path); break;
      case 'move': {
        const v = removeAt(doc, String(raw.from));
        doc = addAt(doc, raw.path, v, false);
        break;
      }
      case 'copy': doc = addAt(doc, raw.path, clone(getAt(doc, String(raw.from))), false); break;
      case 'test':
        if (!deepEqual(getAt(doc, raw.path), raw.value)) throw errors.invalid('JSONPatch', raw.path, [{ field: raw.path, message: 'test operation failed' }]);
        break;
      default: throw errors.badRequest(`json patch: unknown op '${String((raw as { op: unknown }).op)}'`);
    }
  }
  return doc;
}
