// A small HTTP client for the two things the bridge asks a Kubernetes API server: a paged list
// and a watch. client-node's fetch has no timeout, no size limit and no keepalive, so a port that
// accepts and never answers wedged the bridge for good, and an endless chunked response grew it
// to gigabytes. Here every request has a deadline, every response and every watch event a size
// limit, sockets carry TCP keepalive, and errors say what happened (403 is "forbidden", not an
// outage). Credentials come from a KubeAccess (kubeconfig.ts: certs, tokens; exec plugins through
// client-node), or client-node's own KubeConfig, which has the same two methods.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeAccess } from './kubeconfig.ts';
import { ByteTable, parseJson, project } from './project.ts';
import type { JsonReader, Shape } from './project.ts';
import { rawGet, settleOnce } from './raw-http.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw Kubernetes JSON */
export type Obj = Record<string, any>;

export interface KubeHttpLimits {
  /** Deadline for a list page, and for a watch's response headers, ms (default 30 s). */
  requestTimeoutMs?: number;
  /** Largest list page body, bytes (default 64 MiB; pages are 500 objects). */
  maxResponseBytes?: number;
  /** Largest single watch event line, bytes (default 8 MiB; etcd caps objects at 1.5 MiB). */
  maxEventBytes?: number;
  /** Objects per list page (default 500, as client-go's reflector). */
  pageSize?: number;
}

export type KubeErrorKind = 'http' | 'timeout' | 'network' | 'too-large' | 'decode' | 'aborted';

export class KubeError extends Error {
  constructor(
    readonly kind: KubeErrorKind,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status = 0,
    /** Kubernetes Status reason: Forbidden, Expired, Gone, TooManyRequests... */
    readonly reason = '',
  ) {
    super(message);
    this.name = 'KubeError';
  }

  get expired(): boolean {
    return this.status === 410 || this.reason === 'Expired' || this.reason === 'Gone';
  }

  get forbidden(): boolean {
    return this.status === 403;
  }

  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface ListResult {
  resourceVersion: string;
  items: Obj[];
}

export interface WatchOptions {
  resourceVersion: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Server-side timeout, seconds: the server ends the watch cleanly after it. */
  timeoutSeconds: number;
  onEvent: (type: string, object: Obj) => void;
  /** Decode only these fields of each object (see project.ts); default: everything. */
  fields?: Shape;
  /** The server accepted the watch (200 and headers in): the connection works. */
  onOpen?: () => void;
  signal: AbortSignal;
}

/** An event's type (ADDED, MODIFIED...), one shared string each: none made per event. */
const eventTypes = new ByteTable<unknown>(64);
const eventType = (r: JsonReader): unknown => r.interned(eventTypes, parseJson);

/** Status objects (and 4xx/5xx bodies) name what went wrong; keep their message short. */
function statusError(status: number, body: string, what: string): KubeError {
  let reason = '';
  let message = '';
  try {
    const s = JSON.parse(body) as Obj;
    reason = String(s.reason ?? '');
    message = String(s.message ?? '');
  } catch {
    message = body.slice(0, 200);
  }
  const line = message.split('\n')[0].slice(0, 300);
  return new KubeError('http', `${what}: HTTP ${status}${reason ? ` ${reason}` : ''}${line ? `: ${line}` : ''}`, status, reason);
}

export class KubeHttp {
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxEventBytes: number;
  private readonly pageSize: number;
  private agent: http.Agent | undefined;
  readonly server: URL;

  constructor(
    private readonly kubeConfig: KubeAccess,
    limits: KubeHttpLimits = {},
  ) {
    this.requestTimeoutMs = limits.requestTimeoutMs ?? 30_000;
    this.maxResponseBytes = limits.maxResponseBytes ?? 64 * 1024 * 1024;
    this.maxEventBytes = limits.maxEventBytes ?? 8 * 1024 * 1024;
    this.pageSize = limits.pageSize ?? 500;
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeError('network', 'kubeconfig has no cluster for its current context');
    this.server = new URL(cluster.server);
  }

  /** Stops reusing connections (on stop). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** TLS options and headers of a request; the token of an exec plugin or a projected file is re-read each time. */
  private async credentials(): Promise<https.RequestOptions> {
    const opts: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    return opts;
  }

  private target(path: string, query: Record<string, string | undefined>): { hostname: string; port: number; path: string } {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
    const search = params.toString();
    const basePath = this.server.pathname.replace(/\/$/, '');
    return {
      hostname: this.server.hostname.replace(/^\[|\]$/g, ''),
      port: Number(this.server.port) || (this.server.protocol === 'https:' ? 443 : 80),
      path: `${basePath}${path}${search ? `?${search}` : ''}`,
    };
  }

  /** Request options with credentials. */
  private async options(path: string, query: Record<string, string | undefined>): Promise<https.RequestOptions> {
    const opts = await this.credentials();
    const tlsServer = this.server.protocol === 'https:';
    if (!this.agent) {
      // One agent per cluster with keepalive sockets: TCP keepalive probes find a peer that
      // vanished without a FIN (a NATed path, a pulled cable) under a watch that is quiet.
      const agentOptions = { keepAlive: true, keepAliveMsecs: 15_000, maxSockets: 16 };
      this.agent = tlsServer
        ? new https.Agent({ ...agentOptions, ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername })
        : new http.Agent(agentOptions);
    }
    return {
      protocol: this.server.protocol,
      ...this.target(path, query),
      method: 'GET',
      agent: this.agent,
      auth: opts.auth,
      headers: { ...opts.headers, Accept: 'application/json', 'User-Agent': 'podlights-bridge' },
    };
  }

  /** One GET; resolves with the response once its headers are in, or fails within the deadline. */
  private async open(path: string, query: Record<string, string | undefined>, signal: AbortSignal | undefined, what: string): Promise<IncomingMessage> {
    const options = await this.options(path, query);
    const mod = this.server.protocol === 'https:' ? https : http;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = mod.request({ ...options, signal });
      const timer = setTimeout(() => req.destroy(new KubeError('timeout', `${what}: no answer within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      req.on('socket', (socket) => socket.setKeepAlive(true, 15_000));
      req.on('response', (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      req.on('error', (err: Error) => {
        clearTimeout(timer);
        if (err instanceof KubeError) reject(err);
        else if (err.name === 'AbortError') reject(new KubeError('aborted', `${what}: aborted`));
        else reject(new KubeError('network', `${what}: ${err.message}`));
      });
      req.end();
    });
  }

  /** Reads a whole body, at most `max` bytes, before `deadline`. */
  private body(res: IncomingMessage, max: number, what: string, deadline: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => fail(new KubeError('timeout', `${what}: the response did not finish within ${this.requestTimeoutMs} ms`)), Math.max(0, deadline - Date.now()));
      let settled = false;
      const fail = (err: KubeError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) return fail(new KubeError('too-large', `${what}: response larger than ${max} bytes`));
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(Buffer.concat(chunks));
      });
      res.on('error', (err) => fail(new KubeError('network', `${what}: ${err.message}`)));
      res.on('aborted', () => fail(new KubeError('network', `${what}: connection closed mid-response`)));
    });
  }

  /** GET one JSON object (only `fields` of it, when given). */
  async get(path: string, query: Record<string, string | undefined> = {}, signal?: AbortSignal, fields?: Shape): Promise<Obj> {
    const what = `GET ${path}`;
    const deadline = Date.now() + this.requestTimeoutMs;
    const res = await this.open(path, query, signal, what);
    const bytes = await this.body(res, this.maxResponseBytes, what, deadline);
    if ((res.statusCode ?? 0) >= 300) throw statusError(res.statusCode ?? 0, bytes.toString('utf8'), what);
    try {
      return (fields ? project(bytes, fields) : JSON.parse(bytes.toString('utf8'))) as Obj;
    } catch (err) {
      throw new KubeError('decode', `${what}: not JSON: ${(err as Error).message}`);
    }
  }

  /**
   * A complete list in pages of `pageSize` (limit/continue), so no single response is huge. A
   * continue token that expired (410) restarts the list from the start, as client-go does.
   */
  async list(path: string, selectors: { labelSelector?: string; fieldSelector?: string }, signal?: AbortSignal, fields?: Shape): Promise<ListResult> {
    const page: Shape | undefined = fields && { metadata: { resourceVersion: true, continue: true }, items: [fields] };
    for (let attempt = 0; ; attempt++) {
      const items: Obj[] = [];
      let cont: string | undefined;
      let resourceVersion = '';
      try {
        do {
          const got = await this.get(path, { ...selectors, limit: String(this.pageSize), continue: cont }, signal, page);
          for (const item of got.items ?? []) items.push(item);
          resourceVersion = String(got.metadata?.resourceVersion ?? '');
          cont = got.metadata?.continue || undefined;
        } while (cont);
        return { resourceVersion, items };
      } catch (err) {
        if (err instanceof KubeError && err.expired && cont !== undefined && attempt < 3) continue;
        throw err;
      }
    }
  }

  /** A watch response from Node's client (pooled keep-alive connections), as a WatchBody. */
  private async pooledWatch(path: string, query: Record<string, string | undefined>, signal: AbortSignal, what: string): Promise<WatchBody> {
    const res = await this.open(path, query, signal, what);
    return {
      statusCode: res.statusCode ?? 0,
      destroy: () => res.destroy(),
      start(onData, onEnd, onError) {
        let ended = false;
        res.on('data', (chunk: Buffer) => onData(chunk, 0, chunk.length));
        res.on('end', () => {
          ended = true;
          onEnd();
        });
        const closed = (): void => {
          if (!ended) onError(new KubeError('network', `${what}: connection closed`));
        };
        res.on('aborted', closed);
        res.on('close', closed);
        res.on('error', (err: Error) => onError(new KubeError(err.name === 'AbortError' ? 'aborted' : 'network', `${what}: ${err.message}`)));
      },
    };
  }

  /** A watch on a connection of its own, read off the socket (raw-http.ts), as a WatchBody. */
  private async rawWatch(path: string, query: Record<string, string | undefined>, signal: AbortSignal, what: string): Promise<WatchBody> {
    const opts = await this.credentials();
    const t = this.target(path, query);
    const headers = { ...(opts.headers as Record<string, string | string[] | number | undefined>), Accept: 'application/json', 'User-Agent': 'podlights-bridge' };
    const tlsOptions = { ca: opts.ca, cert: opts.cert, key: opts.key, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
    return rawGet({ tls: this.server.protocol === 'https:', host: t.hostname, port: t.port, path: t.path, headers, auth: opts.auth ?? undefined, ...tlsOptions }, signal, this.requestTimeoutMs, what);
  }

  /**
   * A watch: events are handed over one by one until the server ends the stream (resolves) or
   * something fails (rejects with a KubeError; an ERROR event with a Status becomes one too).
   * A long watch gets a connection of its own, read straight off the socket (most of the bridge's
   * bytes come this way); a short one (a probe, a second or two) reuses a pooled connection.
   */
  async watch(path: string, w: WatchOptions): Promise<void> {
    const what = `watch ${path}`;
    const query = {
      watch: '1',
      resourceVersion: w.resourceVersion,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(w.timeoutSeconds),
      labelSelector: w.labelSelector,
      fieldSelector: w.fieldSelector,
    };
    const res = w.timeoutSeconds > 2 ? await this.rawWatch(path, query, w.signal, what) : await this.pooledWatch(path, query, w.signal, what);
    if (res.statusCode >= 300) {
      const text = await collect(res, 64 * 1024, what, this.requestTimeoutMs).catch(() => Buffer.alloc(0));
      throw statusError(res.statusCode, text.toString('utf8'), what);
    }
    w.onOpen?.();
    const eventFields: Shape | undefined = w.fields && { type: eventType, object: w.fields };
    await new Promise<void>((resolve, reject) => {
      let pending: Buffer[] = [];
      let pendingSize = 0;
      // A line split over reads is joined in one scratch buffer, reused (the decoder keeps no
      // reference to its input), instead of a new Buffer per line.
      let scratch = Buffer.alloc(0);
      const joined = (last: Buffer): Buffer => {
        const size = pendingSize + last.length;
        if (size > 1024 * 1024) return Buffer.concat([...pending, last]); // a rare giant: not kept
        if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2, 16 * 1024));
        let at = 0;
        for (const p of pending) at += p.copy(scratch, at);
        last.copy(scratch, at);
        return scratch.subarray(0, size);
      };
      let settled = false;
      const fail = (err: KubeError): void => {
        if (settled) return;
        settled = true;
        reject(err);
        res.destroy();
      };
      /** One event: bytes [start, end) of `buf`, followed by its newline or the buffer's end. */
      const line = (buf: Buffer, start: number, end: number): void => {
        if (end === start) return;
        let ev: Obj;
        try {
          ev = (eventFields ? project(buf, eventFields, start, end) : JSON.parse(buf.toString('utf8', start, end))) as Obj;
          // An ERROR carries a Status, not the watched kind: read it whole.
          if (eventFields && ev.type === 'ERROR') ev = JSON.parse(buf.toString('utf8', start, end)) as Obj;
        } catch (err) {
          return fail(new KubeError('decode', `${what}: an event is not JSON: ${(err as Error).message}`));
        }
        const type = String(ev.type ?? '');
        const object = (ev.object ?? {}) as Obj;
        if (type === 'ERROR') {
          const code = Number(object.code ?? 0);
          return fail(new KubeError('http', `${what}: ${object.reason ?? 'error'}: ${String(object.message ?? '').slice(0, 300)}`, code, String(object.reason ?? '')));
        }
        w.onEvent(type, object);
      };
      const whole = (b: Buffer): void => line(b, 0, b.length);
      res.start(
        (chunk: Buffer, from: number, to: number) => {
          if (settled) return;
          // The piece is bytes [from, to) of chunk, read in place: a line that ends inside it is
          // decoded there (its newline ends it), no Buffer made for it.
          let start = from;
          for (;;) {
            const i = start < to ? chunk.indexOf(10, start) : -1;
            if (i === -1 || i >= to) break;
            if (pendingSize > 0) {
              const joinedLine = joined(chunk.subarray(start, i));
              pending = [];
              pendingSize = 0;
              whole(joinedLine);
            } else line(chunk, start, i);
            start = i + 1;
            if (settled) return;
          }
          if (start < to) {
            pending.push(chunk.subarray(start, to));
            pendingSize += to - start;
            if (pendingSize > this.maxEventBytes) fail(new KubeError('too-large', `${what}: one event larger than ${this.maxEventBytes} bytes`));
          }
        },
        () => {
          if (settled) return;
          if (pendingSize > 0) whole(joined(Buffer.alloc(0)));
          if (settled) return;
          settled = true;
          resolve();
        },
        fail,
      );
    });
  }
}

/** A watch response: its status, then its body in pieces (however the bytes arrived). */
interface WatchBody {
  statusCode: number;
  /** The body's pieces (bytes [start, end) of `buf`), its clean end, or what went wrong (once: nothing after it). */
  start(onData: (buf: Buffer, start: number, end: number) => void, onEnd: () => void, onError: (err: KubeError) => void): void;
  destroy(): void;
}

/** A whole (error) body of at most `max` bytes, within `timeoutMs`. */
function collect(res: WatchBody, max: number, what: string, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = settleOnce<Buffer>(resolve, reject, () => clearTimeout(timer), () => res.destroy());
    const done = (err: KubeError | undefined): void => settle(err, err ? undefined : Buffer.concat(chunks));
    const timer = setTimeout(() => done(new KubeError('timeout', `${what}: the response did not finish within ${timeoutMs} ms`)), timeoutMs);
    res.start(
      (buf, start, end) => {
        size += end - start;
        if (size > max) return done(new KubeError('too-large', `${what}: response larger than ${max} bytes`));
        chunks.push(buf.subarray(start, end));
      },
      () => done(undefined),
      done,
    );
  });
}
