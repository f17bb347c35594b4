// Reading request bodies and writing JSON responses the way the API server does (Status bodies
// for errors, compact JSON, content negotiation for JSON and Table).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, StatusError } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { decodeProtobuf } from './protobuf.ts';

const MAX_BODY = 3 * 1024 * 1024; // the API server's request size limit

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StatusError({ code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function readJson(req: IncomingMessage, opts: { optional?: boolean } = {}): Promise<unknown> {
  const body = await readBody(req);
  if (body.length === 0) {
    if (opts.optional) return undefined;
    throw errors.badRequest('the request body is empty');
  }
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim();
  if (type === 'application/vnd.kubernetes.protobuf') return decodeProtobuf(body);
  if (type.includes('yaml') || type.includes('protobuf') || type.includes('cbor')) throw errors.unsupportedMediaType(type);
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`the body could not be decoded as JSON: ${(err as Error).message}`);
  }
}

export type Format = 'json' | 'table';

/** Picks the response shape from Accept; Table is what kubectl get asks for first. */
export function negotiate(req: IncomingMessage): Format {
  const accept = String(req.headers.accept ?? '');
  if (accept === '') return 'json';
  const options = accept.split(',').map((s) => s.trim().toLowerCase());
  for (const o of options) {
    const [type, ...params] = o.split(';').map((s) => s.trim());
    if (type !== 'application/json' && type !== '*/*' && type !== 'application/*') continue;
    if (params.includes('as=table') && (params.includes('g=meta.k8s.io') || !params.some((p) => p.startsWith('g=')))) return 'table';
    if (!params.some((p) => p.startsWith('as='))) return 'json';
  }
  if (options.some((o) => o.startsWith('application/json') || o.startsWith('*/*'))) return 'json';
  throw errors.notAcceptable(`only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io (asked for ${accept})`);
}

export function sendJson(res: ServerResponse, code: number, body: unknown | string): void {
  if (res.headersSent || res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = err instanceof StatusError ? err : errors.internal(err instanceof Error ? err.message : String(err));
  if (!(err instanceof StatusError)) console.error('podlights sim: request failed:', err);
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  if (status.code === 429 && status.details?.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  sendJson(res, status.code, status.toStatus());
}

// Serialized forms of stored objects, cached by identity: stored objects never change in place,
// so a 10,000-pod list or a 20-watcher fan-out encodes each object once.
const fullCache = new WeakMap<KubeObject, string>();
const itemCache = new WeakMap<KubeObject, string>();

export function objectJson(obj: KubeObject): string {
  let s = fullCache.get(obj);
  if (s === undefined) fullCache.set(obj, (s = JSON.stringify(obj)));
  return s;
}

/** List items carry no apiVersion/kind on the wire; the list does. */
export function itemJson(obj: KubeObject): string {
  let s = itemCache.get(obj);
  if (s === undefined) {
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    itemCache.set(obj, (s = JSON.stringify(rest)));
  }
  return s;
}
