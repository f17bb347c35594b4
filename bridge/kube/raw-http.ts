// A long-lived GET read straight off its socket: the watch stream. Node's HTTP client hands the
// body over through its C++ parser and a Readable stream, one callback and one push per HTTP
// chunk, and the API server flushes one chunk per watch event: under a burst that machinery cost
// about a tenth of the bridge's CPU. Here one socket read (often dozens of events) is cut out of
// the chunked framing in a loop and handed on in one piece per chunk. Only what a watch needs: a
// GET on a connection of its own (Connection: close), a status line, headers, a body that is
// chunked, Content-Length or up to the close. Lists and probes keep Node's client and its pooled
// keep-alive connections.
import net from 'node:net';
import tls from 'node:tls';
import { KubeError } from './http.ts';

export interface RawTarget {
  tls: boolean;
  host: string;
  port: number;
  /** Path and query. */
  path: string;
  headers: Record<string, string | string[] | number | undefined>;
  /** user:password for basic auth. */
  auth?: string;
  ca?: tls.SecureContextOptions['ca'];
  cert?: tls.SecureContextOptions['cert'];
  key?: tls.SecureContextOptions['key'];
  rejectUnauthorized?: boolean;
  servername?: string;
}

const MAX_HEAD = 64 * 1024;
const CRLF_CRLF = Buffer.from('\r\n\r\n');

// Chunked framing states.
const SIZE = 0; // hex digits of the next chunk's size
const EXTENSION = 1; // ;name=value after the size, up to CR
const SIZE_LF = 2; // the LF after the size line
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER = 6; // after the last chunk: trailer lines up to an empty one
const DONE = 7;

/**
 * A response once its head is in. Call start() with the body's handlers: until then the rest of
 * the socket waits (paused), so no byte is lost between the head and the handlers.
 */
export class RawResponse {
  statusCode = 0;
  private onData: (buf: Buffer, start: number, end: number) => void = () => {};
  private onEnd: () => void = () => {};
  private onError: (err: KubeError) => void = () => {};
  private stash: Buffer | undefined;
  private started = false;
  private finished = false;
  // Body framing.
  private chunked = false;
  /** Bytes left: of the current chunk (chunked) or of the body (Content-Length); -1 = to the close. */
  private left = -1;
  private state = SIZE;
  private size = 0;
  private sizeDigits = 0;
  private trailerLine = 0;

  constructor(
    private readonly socket: net.Socket,
    private readonly what: string,
  ) {}

  /**
   * The body's pieces (bytes [start, end) of `buf`: read in place, no Buffer made per piece), its
   * end, or what went wrong (once; nothing after it).
   */
  start(onData: (buf: Buffer, start: number, end: number) => void, onEnd: () => void, onError: (err: KubeError) => void): void {
    this.onData = onData;
    this.onEnd = onEnd;
    this.onError = onError;
    this.started = true;
    if (this.early === 'end') return onEnd();
    if (this.early) return onError(this.early);
    const stash = this.stash;
    this.stash = undefined;
    if (stash && stash.length > 0) this.feed(stash);
    if (this.finished) return;
    if (this.closedEarly !== undefined) this.closed(this.closedEarly ?? undefined);
    else this.socket.resume();
  }

  destroy(): void {
    this.finished = true;
    this.socket.destroy();
  }

  /** @internal Sets the framing from the head. */
  frame(chunked: boolean, length: number): void {
    this.chunked = chunked;
    this.left = chunked ? 0 : length;
    if (!chunked && length === 0) this.end();
  }

  /** @internal Body bytes, or the bytes after the head before start(). */
  feed(d: Buffer): void {
    if (this.finished) return;
    if (!this.started) {
      this.stash = this.stash ? Buffer.concat([this.stash, d]) : d;
      return;
    }
    if (!this.chunked) {
      if (this.left < 0) return this.onData(d, 0, d.length);
      const take = Math.min(this.left, d.length);
      this.left -= take;
      if (take > 0) this.onData(d, 0, take);
      if (this.left === 0) this.end();
      return;
    }
    const n = d.length;
    let i = 0;
    while (i < n && !this.finished) {
      switch (this.state) {
        case SIZE: {
          const c = d[i++];
          const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
          if (v >= 0) {
            if (++this.sizeDigits > 8) return this.fail(new KubeError('decode', `${this.what}: a chunk size too large`));
            this.size = this.size * 16 + v;
          } else if (this.sizeDigits === 0) return this.fail(new KubeError('decode', `${this.what}: malformed chunked encoding`));
          else if (c === 13) this.state = SIZE_LF;
          else if (c === 59 || c === 32 || c === 9) this.state = EXTENSION;
          else return this.fail(new KubeError('decode', `${this.what}: malformed chunked encoding`));
          break;
        }
        case EXTENSION:
          if (d[i++] === 13) this.state = SIZE_LF;
          break;
        case SIZE_LF:
          if (d[i++] !== 10) return this.fail(new KubeError('decode', `${this.what}: malformed chunked encoding`));
          this.left = this.size;
          this.size = this.sizeDigits = 0;
          this.state = this.left === 0 ? TRAILER : DATA;
          this.trailerLine = 0;
          break;
        case DATA: {
          const take = Math.min(this.left, n - i);
          this.onData(d, i, i + take);
          i += take;
          this.left -= take;
          if (this.left === 0) this.state = DATA_CR;
          break;
        }
        case DATA_CR:
          if (d[i++] !== 13) return this.fail(new KubeError('decode', `${this.what}: malformed chunked encoding`));
          this.state = DATA_LF;
          break;
        case DATA_LF:
          if (d[i++] !== 10) return this.fail(new KubeError('decode', `${this.what}: malformed chunked encoding`));
          this.state = SIZE;
          break;
        case TRAILER: {
          // Lines up to an empty one; trailerLine counts the bytes of the current line.
          const c = d[i++];
          if (c === 10) {
            if (this.trailerLine === 0) {
              this.state = DONE;
              this.end();
            }
            this.trailerLine = 0;
          } else if (c !== 13) this.trailerLine++;
          if (this.trailerLine > MAX_HEAD) return this.fail(new KubeError('decode', `${this.what}: trailer too long`));
          break;
        }
      }
    }
  }

  /** @internal The socket ended or closed. */
  closed(err?: Error): void {
    if (this.finished) return;
    if (!this.started) {
      this.closedEarly ??= err ?? null; // after the bytes that came before it, at start()
      return;
    }
    if (!this.chunked && this.left < 0 && !err) return this.end(); // a body up to the close
    this.fail(new KubeError('network', `${this.what}: ${err ? err.message : 'connection closed'}`));
  }

  private end(): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.destroy();
    if (this.started) this.onEnd();
    else this.early = 'end';
  }

  /** @internal */
  fail(err: KubeError): void {
    if (this.finished) return;
    this.finished = true;
    this.socket.destroy();
    if (this.started) this.onError(err);
    else this.early = err;
  }

  /** The body ended or failed before start(): said at start. */
  private early: 'end' | KubeError | undefined;
  /** The connection closed (null: cleanly) before start(). */
  private closedEarly: Error | null | undefined;
}

function requestText(t: RawTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const defaultPort = t.tls ? 443 : 80;
  let text = `GET ${t.path} HTTP/1.1\r\nHost: ${host}${t.port === defaultPort ? '' : `:${t.port}`}\r\n`;
  const headers: Record<string, string | string[] | number | undefined> = { ...t.headers };
  if (t.auth !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    headers.Authorization = `Basic ${Buffer.from(t.auth).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      const s = String(v);
      if (/[\r\n]/.test(s) || /[\r\n:]/.test(name)) throw new KubeError('network', `header ${name} holds a line break`);
      text += `${name}: ${s}\r\n`;
    }
  }
  return `${text}Connection: close\r\n\r\n`;
}

/**
 * Connects, sends the GET and resolves once the response's head is in (or fails within
 * `timeoutMs`, or on `signal`).
 */
export function rawGet(t: RawTarget, signal: AbortSignal | undefined, timeoutMs: number, what: string): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let request: string;
    try {
      request = requestText(t);
    } catch (err) {
      return reject(err);
    }
    if (signal?.aborted) return reject(new KubeError('aborted', `${what}: aborted`));
    const socket = t.tls
      ? tls.connect({
          host: t.host,
          port: t.port,
          ca: t.ca,
          cert: t.cert,
          key: t.key,
          rejectUnauthorized: t.rejectUnauthorized ?? true,
          // SNI takes a host name, never an address.
          servername: t.servername ?? (net.isIP(t.host) ? undefined : t.host),
          ALPNProtocols: ['http/1.1'],
        })
      : net.connect({ host: t.host, port: t.port });
    socket.setKeepAlive(true, 15_000);
    socket.setNoDelay(true);
    const res = new RawResponse(socket, what);
    let head: Buffer | undefined = Buffer.alloc(0);
    let settled = false;
    const settle = settleOnce<RawResponse>(
      resolve,
      reject,
      () => {
        settled = true;
        clearTimeout(timer);
      },
      () => socket.destroy(),
    );
    const onAbort = (): void => {
      const err = new KubeError('aborted', `${what}: aborted`);
      if (settled) res.fail(err);
      else settle(err);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => settle(new KubeError('timeout', `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(t.tls ? 'secureConnect' : 'connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => {
      if (head === undefined) return res.feed(d);
      head = head.length === 0 ? d : Buffer.concat([head, d]);
      const end = head.indexOf(CRLF_CRLF);
      if (end < 0) {
        if (head.length > MAX_HEAD) settle(new KubeError('decode', `${what}: response head larger than ${MAX_HEAD} bytes`));
        return;
      }
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
      if (!status) return settle(new KubeError('decode', `${what}: not an HTTP response: ${lines[0].slice(0, 80)}`));
      if (status[1].startsWith('1')) {
        // An interim answer (103 Early Hints, 100 Continue): the real one follows.
        head = Buffer.alloc(0);
        if (rest.length > 0) socket.emit('data', rest);
        return;
      }
      head = undefined;
      let chunked = false;
      let length = -1;
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'transfer-encoding') chunked = value.toLowerCase().split(',').some((v) => v.trim() === 'chunked');
        else if (name === 'content-length' && /^\d+$/.test(value)) length = Number(value);
      }
      res.statusCode = Number(status[1]);
      res.frame(chunked, chunked ? 0 : length);
      // The body waits for start(); its first bytes may already be here.
      socket.pause();
      if (rest.length > 0) res.feed(rest);
      settle(undefined, res);
    });
    socket.on('end', () => {
      if (!settled) settle(new KubeError('network', `${what}: connection closed before a response`));
      else res.closed();
    });
    socket.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      if (!settled) settle(new KubeError('network', `${what}: connection closed before a response`));
      else res.closed();
    });
    socket.on('error', (err: Error) => {
      if (!settled) settle(new KubeError('network', `${what}: ${err.message}`));
      else res.closed(err);
    });
  });
}

/**
 * Settles a promise once, whoever comes first (an answer, a timeout, an error): `always` runs
 * then, `onFail` too when it fails. Returns the settle function.
 */
export function settleOnce<T>(
  resolve: (v: T) => void,
  reject: (err: KubeError) => void,
  always: () => void,
  onFail: () => void,
): (err: KubeError | undefined, value?: T) => void {
  let settled = false;
  return (err, value) => {
    if (settled) return;
    settled = true;
    always();
    if (err) {
      onFail();
      reject(err);
    } else resolve(value as T);
  };
}
