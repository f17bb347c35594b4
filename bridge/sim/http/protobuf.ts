// Just enough of the Kubernetes protobuf encoding for kubectl's typed clients, which send
// protobuf bodies whatever the server prefers: DeleteOptions (kubectl drain, delete via typed
// clients), Namespace (kubectl create namespace) and Deployment (kubectl create deployment).
// Anything else is answered 415, with a hint. Messages are read through small schemas taken
// from k8s.io/api's generated.proto (field numbers and types), so a field kubectl sets is never
// silently dropped for want of a hand-written case.
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

// Schemas: field number -> [json name, type]. 'str' strings, 'int' varints, 'bool', 'map'
// map<string,string>, a schema object for a message; a trailing '[]' in the name: repeated.
type FieldType = 'str' | 'int' | 'bool' | 'map' | Schema;
interface Schema {
  [no: number]: [string, FieldType];
}

const INT_OR_STRING: Schema = { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'str'] };
const QUANTITY_MAP = 'quantityMap';
const LABEL_SELECTOR: Schema = { 1: ['matchLabels', 'map'], 2: ['matchExpressions[]', { 1: ['key', 'str'], 2: ['operator', 'str'], 3: ['values[]', 'str'] }] };
const CONTAINER: Schema = {
  1: ['name', 'str'], 2: ['image', 'str'], 3: ['command[]', 'str'], 4: ['args[]', 'str'], 5: ['workingDir', 'str'],
  6: ['ports[]', { 1: ['name', 'str'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'str'], 5: ['hostIP', 'str'] }],
  7: ['env[]', { 1: ['name', 'str'], 2: ['value', 'str'] }],
  8: ['resources', { 1: ['limits', QUANTITY_MAP as unknown as Schema], 2: ['requests', QUANTITY_MAP as unknown as Schema] }],
  13: ['terminationMessagePath', 'str'], 14: ['imagePullPolicy', 'str'], 15: ['stdin', 'bool'], 16: ['tty', 'bool'], 20: ['terminationMessagePolicy', 'str'],
};
const POD_SPEC: Schema = {
  2: ['containers[]', CONTAINER], 3: ['restartPolicy', 'str'], 4: ['terminationGracePeriodSeconds', 'int'], 6: ['dnsPolicy', 'str'],
  7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 'str'], 11: ['nodeName', 'str'], 19: ['schedulerName', 'str'], 20: ['initContainers[]', CONTAINER],
};
const OBJECT_META = 'objectMeta';
const POD_TEMPLATE: Schema = { 1: ['metadata', OBJECT_META as unknown as Schema], 2: ['spec', POD_SPEC] };
const DEPLOYMENT: Schema = {
  1: ['metadata', OBJECT_META as unknown as Schema],
  2: ['spec', {
    1: ['replicas', 'int'], 2: ['selector', LABEL_SELECTOR], 3: ['template', POD_TEMPLATE],
    4: ['strategy', { 1: ['type', 'str'], 2: ['rollingUpdate', { 1: ['maxUnavailable', INT_OR_STRING], 2: ['maxSurge', INT_OR_STRING] }] }],
    5: ['minReadySeconds', 'int'], 6: ['revisionHistoryLimit', 'int'], 7: ['paused', 'bool'], 9: ['progressDeadlineSeconds', 'int'],
  }],
};

/** Integer fields that are pointers in k8s.io/api: present means set, even to 0. */
const POINTERS = new Set(['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'terminationGracePeriodSeconds', 'intVal']);

function intOrString(v: Record<string, unknown>): number | string {
  return v.type === 1 ? String(v.strVal ?? '') : Number(v.intVal ?? 0);
}

function message(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fs = fields(buf);
  for (const [noText, [spec, type]] of Object.entries(schema)) {
    const no = Number(noText);
    const repeated = spec.endsWith('[]');
    const key = repeated ? spec.slice(0, -2) : spec;
    const found = all(fs, no);
    if (found.length === 0) continue;
    const one = (f: Field): unknown => {
      if (type === 'str') return str(f);
      if (type === 'int') return Number(BigInt.asIntN(64, f.value as bigint));
      if (type === 'bool') return f.value === 1n;
      if ((type as unknown) === OBJECT_META) return objectMeta(f.value as Buffer);
      const m = message(f.value as Buffer, type as Schema);
      return type === INT_OR_STRING ? intOrString(m) : m;
    };
    if (type === 'map') out[key] = map(fs, no);
    else if ((type as unknown) === QUANTITY_MAP) {
      const q: Record<string, string> = {};
      for (const e of found) {
        const kv = fields(e.value as Buffer);
        q[str(get(kv, 1)) ?? ''] = str(get(fields((get(kv, 2)?.value as Buffer | undefined) ?? Buffer.alloc(0)), 1)) ?? '';
      }
      out[key] = q;
    } else if (repeated) out[key] = found.map(one);
    else {
      const v = one(found[found.length - 1]);
      // gogo writes every non-pointer scalar, empty or not; JSON omits them (omitempty), and an
      // empty strategy type must default, not fail validation. Pointers (replicas) are written
      // only when set, so their zero is real.
      if (v === '' || v === false || (v === 0 && !POINTERS.has(key))) continue;
      out[key] = v;
    }
  }
  return out;
}

function unsupported(kind: string): StatusError {
  return new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the podlights simulator reads protobuf bodies only for Namespace, Deployment and DeleteOptions (got ${kind}); send JSON, e.g. kubectl apply -f / create -f`,
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
    if (kind === 'Deployment' && apiVersion === 'apps/v1') {
      const d = message((get(unknown, 2)?.value as Buffer | undefined) ?? Buffer.alloc(0), DEPLOYMENT);
      return { apiVersion, kind, metadata: {}, ...d };
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
