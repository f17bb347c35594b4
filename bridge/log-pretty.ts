// pino's JSON records as one readable line each, for a person at a terminal:
//   11:02:03.456 WARN  mqtt broker: refused client desk-9 (user desk-9)
// (pino-pretty does this too, but as a worker-thread transport with a dozen dependencies; the
// bridge's records are flat and few, so a small synchronous formatter is enough.)
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '36', 40: '33', 50: '31', 60: '41' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'component', 'msg']);

function clock(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function value(v: unknown): string {
  if (v && typeof v === 'object' && 'message' in v) return JSON.stringify((v as { message: unknown }).message);
  return typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v);
}

/** One record (a JSON line from pino) as one line of text, newline included. */
export function prettyLine(json: string, color = false): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof r.level === 'number' ? r.level : 30;
  const name = (LEVELS[level] ?? String(level)).padEnd(5);
  const tag = color ? `\x1b[${COLORS[level] ?? '0'}m${name}\x1b[0m` : name;
  const extra = Object.entries(r)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  // A multi-line message would break "one record, one line".
  const msg = String(r.msg ?? '').replace(/\s*\n\s*/g, ' ');
  const text = `${r.component ? `${r.component}: ` : ''}${msg}${extra.length ? ` ${extra.join(' ')}` : ''}`;
  return `${clock(r.time)} ${tag} ${text}\n`;
}

export function prettyStream(out: NodeJS.WritableStream, options: { color?: boolean } = {}): DestinationStream {
  return { write: (chunk: string) => void out.write(prettyLine(chunk.trimEnd(), options.color === true)) };
}
