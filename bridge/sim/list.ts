// LIST with selectors and chunking (limit/continue). Items come in namespace/name order, as
// etcd returns them, so a continue token can name where the next page starts.
import { errors } from './errors.ts';
import type { ResourceType } from './resources.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { Store } from './store.ts';
import type { KubeObject } from './types.ts';

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

interface ContinueToken {
  v: 'meta.k8s.io/v1';
  rv: number;
  start: string;
}

function sortKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function decodeToken(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v === 'meta.k8s.io/v1' && typeof t.rv === 'number' && typeof t.start === 'string') return t;
  } catch {
    // fall through to the 400 below
  }
  throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

export function listObjects(store: Store, res: ResourceType, opts: ListOptions): ListResult {
  const labels = parseLabelSelector(opts.labelSelector);
  const fields = parseFieldSelector(opts.fieldSelector, res);
  let rv = store.resourceVersion;
  let after: string | undefined;
  if (opts.continue) {
    const token = decodeToken(opts.continue);
    if (token.rv < store.history.floor) {
      throw errors.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    rv = token.rv;
    after = token.start;
  }
  let items = store.list(res, res.namespaced ? opts.namespace : undefined);
  if (!labels.empty) items = items.filter((o) => labels.matches(o.metadata.labels));
  if (!fields.empty) items = items.filter((o) => fields.matches(o));
  const keyed = items.map((o) => ({ k: sortKey(o), o })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  let start = 0;
  if (after !== undefined) {
    const from = after;
    start = keyed.findIndex((e) => e.k > from);
    if (start < 0) start = keyed.length;
  }
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const page = keyed.slice(start, start + limit);
  const result: ListResult = { items: page.map((e) => e.o), resourceVersion: String(rv) };
  const remaining = keyed.length - start - page.length;
  if (remaining > 0 && page.length > 0) {
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: page[page.length - 1].k };
    result.continue = Buffer.from(JSON.stringify(token)).toString('base64url');
    result.remainingItemCount = remaining;
  }
  return result;
}
