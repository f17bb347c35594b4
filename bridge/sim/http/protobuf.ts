// Just enough of the Kubernetes protobuf encoding for kubectl's typed clients, which send
// protobuf bodies whatever the server prefers: DeleteOptions (kubectl drain, delete via typed
// clients) and Namespace (kubectl create namespace). Anything else is answered 415, with a hint.
import { StatusError } from '../errors.ts';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

interface Field {
  no: number;
  wire: number;
  value: bigint | Buffer;
}

function readVarint(buf: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buf.length) throw new Error('truncated varint');
    const b = buf[at.pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(readVarint(buf, at));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(buf, at) });
    else if (wire === 2) {
      const len = Number(readVarint(buf, at));
      out.push({ no, wire, value: buf.subarray(at.pos, at.pos + len) });
      at.pos += len;
    } else if (wire === 1) at.pos += 8;
    else if (wire === 5) at.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field | undefined) => (f && Buffer.isBuffer(f.value) ? f.value.toString('utf8') : undefined);
const get = (fs: Field[], no: number) => fs.find((f) => f.no === no);
const all = (fs: Field[], no: number) => fs.filter((f) => f.no === no);

function map(fs: Field[], no: number): Record<string, string> | undefined {
  const entries = all(fs, no);
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    out[str(get(kv, 1)) ?? ''] = str(get(kv, 2)) ?? '';
  }
  return out;
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const fs = fields(buf);
  const meta: Record<string, unknown> = {};
  const name = str(get(fs, 1));
  const generateName = str(get(fs, 2));
  const namespace = str(get(fs, 3));
  if (name) meta.name = name;
  if (generateName) meta.generateName = generateName;
  if (namespace) meta.namespace = namespace;
  const labels = map(fs, 11);
  const annotations = map(fs, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  const finalizers = all(fs, 14).map(str);
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

function unsupported(kind: string): StatusError {
  return new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the podlights simulator reads protobuf bodies only for Namespace and DeleteOptions (got ${kind}); send JSON, e.g. kubectl apply -f / create -f`,
  });
}

/** Decodes a protobuf request body into the JSON object it stands for. */
export function decodeProtobuf(body: Buffer): unknown {
  if (body.length < 4 || MAGIC.some((b, i) => body[i] !== b)) throw unsupported('a body without the k8s protobuf prefix');
  let kind = '(unknown)';
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = fields((get(unknown, 1)?.value as Buffer | undefined) ?? Buffer.alloc(0));
    const apiVersion = str(get(typeMeta, 1)) ?? '';
    kind = str(get(typeMeta, 2)) ?? '';
    const raw = fields((get(unknown, 2)?.value as Buffer | undefined) ?? Buffer.alloc(0));
    if (kind === 'DeleteOptions') {
      const out: Record<string, unknown> = { kind, apiVersion };
      const grace = get(raw, 1);
      if (grace) out.gracePeriodSeconds = Number(BigInt.asIntN(64, grace.value as bigint));
      const pre = get(raw, 2);
      if (pre) {
        const p = fields(pre.value as Buffer);
        out.preconditions = { uid: str(get(p, 1)), resourceVersion: str(get(p, 2)) };
      }
      const orphan = get(raw, 3);
      if (orphan) out.orphanDependents = orphan.value === 1n;
      const policy = str(get(raw, 4));
      if (policy) out.propagationPolicy = policy;
      const dryRun = all(raw, 5).map(str);
      if (dryRun.length) out.dryRun = dryRun;
      return out;
    }
    if (kind === 'Namespace' && apiVersion === 'v1') {
      const meta = get(raw, 1);
      return { apiVersion, kind, metadata: meta ? objectMeta(meta.value as Buffer) : {} };
    }
  } catch (err) {
    throw new StatusError({ code: 400, reason: 'BadRequest', message: `could not decode the protobuf body: ${(err as Error).message}` });
  }
  throw unsupported(kind);
}
