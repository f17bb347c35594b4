// The REST verbs on resource paths: GET (get/list/watch), POST (create, pods/binding), PUT
// (update, /status, /scale), PATCH (json, merge, strategic), DELETE (one or a collection).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeleteOptions, PatchType, SimApi } from '../api.ts';
import { errors, StatusError } from '../errors.ts';
import { groupVersion } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { itemJson, negotiate, objectJson, readJson, sendJson } from './io.ts';
import type { ResourcePath } from './paths.ts';
import { POD_STREAMS, servePodStream } from './pod-log.ts';
import { toTable } from './tables.ts';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

function numberParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw errors.badRequest(`invalid value for ${key}: ${v}`);
  return n;
}

function writeObject(req: IncomingMessage, res: ServerResponse, p: ResourcePath, code: number, obj: KubeObject): void {
  if (negotiate(req) === 'table' && obj.kind === p.res.kind) {
    sendJson(res, code, toTable({ res: p.res, items: [obj], resourceVersion: obj.metadata.resourceVersion, now: Date.now() }));
  } else sendJson(res, code, objectJson(obj));
}

export async function handleResource(opts: { api: SimApi; req: IncomingMessage; res: ServerResponse; url: URL; path: ResourcePath }): Promise<void> {
  const { api, req, res, url, path: p } = opts;
  const q = url.searchParams;
  const dryRun = q.getAll('dryRun').includes('All');
  const method = req.method ?? 'GET';
  const ns = p.namespace;
  if (p.res.kind === 'Pod' && p.sub && POD_STREAMS.has(p.sub) && p.name !== undefined) {
    req.resume();
    return servePodStream({ api, req, res, url, namespace: String(ns), name: p.name, sub: p.sub });
  }
  if (p.sub && p.sub !== 'status' && p.sub !== 'scale' && !(p.sub === 'binding' && p.res.kind === 'Pod')) {
    throw errors.notFound(p.res, `${p.name}/${p.sub}`);
  }
  if (p.sub === 'scale' && !p.res.subresources.includes('scale')) throw errors.notFound(p.res, `${p.name}/scale`);

  if (p.name === undefined) {
    switch (method) {
      case 'GET': {
        const list = api.list(p.res, {
          namespace: ns,
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit: numberParam(q, 'limit'),
          continue: q.get('continue') ?? undefined,
        });
        if (negotiate(req) === 'table') {
          sendJson(res, 200, toTable({ res: p.res, items: list.items, resourceVersion: list.resourceVersion, continue: list.continue, remainingItemCount: list.remainingItemCount, now: Date.now() }));
          return;
        }
        const meta: Record<string, unknown> = { resourceVersion: list.resourceVersion };
        if (list.continue) meta.continue = list.continue;
        if (list.remainingItemCount !== undefined) meta.remainingItemCount = list.remainingItemCount;
        const head = `{"kind":"${p.res.kind}List","apiVersion":"${groupVersion(p.res)}","metadata":${JSON.stringify(meta)},"items":[`;
        sendJson(res, 200, `${head}${list.items.map(itemJson).join(',')}]}`);
        return;
      }
      case 'POST': {
        const body = (await readJson(req)) as KubeObject;
        if (!body || typeof body !== 'object') throw errors.badRequest('the body must be a JSON object');
        writeObject(req, res, p, 201, api.create(p.res, body, { namespace: ns, dryRun }));
        return;
      }
      case 'DELETE': {
        const options = await deleteOptions(req, q);
        const list = api.deleteCollection(p.res, { namespace: ns, labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, { ...options, dryRun });
        sendJson(res, 200, `{"kind":"${p.res.kind}List","apiVersion":"${groupVersion(p.res)}","metadata":{"resourceVersion":"${list.resourceVersion}"},"items":[${list.items.map(itemJson).join(',')}]}`);
        return;
      }
      default:
        throw errors.methodNotAllowed();
    }
  }

  const name = p.name;
  switch (method) {
    case 'GET':
      if (p.sub === 'scale') sendJson(res, 200, api.getScale(p.res, ns, name));
      else writeObject(req, res, p, 200, api.get(p.res, ns, name));
      return;
    case 'POST': {
      if (p.sub !== 'binding') throw errors.methodNotAllowed();
      const binding = (await readJson(req)) as { target?: { name?: string } };
      if (!binding?.target?.name) throw errors.invalid('Binding', name, [{ field: 'target.name', message: 'Required value' }]);
      api.bind(String(ns), name, binding.target.name);
      sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      return;
    }
    case 'PUT': {
      const body = (await readJson(req)) as KubeObject;
      if (!body || typeof body !== 'object' || !body.metadata) throw errors.badRequest('the body must be an object with metadata');
      if (body.metadata.name !== undefined && body.metadata.name !== name) throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
      body.metadata.name = name;
      if (p.sub === 'scale') sendJson(res, 200, api.updateScale(p.res, ns, name, body, { dryRun }));
      else writeObject(req, res, p, 200, api.update(p.res, body, { namespace: ns, dryRun, subresource: p.sub === 'status' ? 'status' : undefined }));
      return;
    }
    case 'PATCH': {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
      const patchType = PATCH_TYPES[type];
      if (!patchType) {
        if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor') {
          throw new StatusError({ code: 415, reason: 'UnsupportedMediaType', message: 'server-side apply is not supported by the podlights simulator; use client-side apply (kubectl apply without --server-side)' });
        }
        throw errors.unsupportedMediaType(type || '(none)');
      }
      const body = await readJson(req);
      const sub = p.sub === 'status' ? 'status' : p.sub === 'scale' ? 'scale' : undefined;
      const out = api.patch(p.res, ns, name, patchType, body, { dryRun, subresource: sub });
      if (sub === 'scale') sendJson(res, 200, out);
      else writeObject(req, res, p, 200, out);
      return;
    }
    case 'DELETE': {
      const options = await deleteOptions(req, q);
      const result = api.delete(p.res, ns, name, { ...options, dryRun });
      writeObject(req, res, p, result.finished ? 200 : 202, result.object);
      return;
    }
    default:
      throw errors.methodNotAllowed();
  }
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const body = ((await readJson(req, { optional: true })) ?? {}) as Record<string, any>;
  const out: DeleteOptions = {};
  const grace = body.gracePeriodSeconds ?? numberParam(q, 'gracePeriodSeconds');
  if (grace !== undefined && grace !== null) out.gracePeriodSeconds = Number(grace);
  let policy = body.propagationPolicy ?? q.get('propagationPolicy') ?? undefined;
  const orphan = body.orphanDependents ?? (q.has('orphanDependents') ? q.get('orphanDependents') === 'true' : undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan ? 'Orphan' : 'Background';
  if (policy !== undefined) {
    if (!['Foreground', 'Background', 'Orphan'].includes(policy)) throw errors.badRequest(`invalid propagationPolicy: ${policy}`);
    out.propagationPolicy = policy;
  }
  if (body.preconditions) out.preconditions = body.preconditions;
  if (Array.isArray(body.dryRun) && body.dryRun.includes('All')) out.dryRun = true;
  return out;
}
