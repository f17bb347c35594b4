// Structured logs with pino. The parts log plain lines through a `(line) => void` function (so
// they need no logging dependency and tests can collect lines); this adapter turns a line
// "component: message" into a JSON record {component, msg} at a level read from the wording.
// On a terminal the records are printed as one readable line each; piped (a pod's log, a
// collector) they stay JSON.
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { prettyStream } from './log-pretty.ts';

export type LogFn = (line: string) => void;

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const WARN = /\b(error|errors|failed|fails|cannot|refused|denied|unreachable|timed out|threw|dropp(ed|ing)|invalid|bad)\b/i;

export function levelOf(line: string): 'info' | 'warn' {
  return WARN.test(line) ? 'warn' : 'info';
}

export interface BridgeLogger {
  logger: Logger;
  line: LogFn;
}

export type LogFormat = 'auto' | 'pretty' | 'json';

export interface LoggerOptions {
  level?: LogLevel;
  /** auto (default): pretty when the destination (stderr unless given) is a terminal. */
  format?: LogFormat;
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createLogger(options: LoggerOptions = {}): BridgeLogger {
  const out = options.destination ?? process.stderr;
  const format = options.format ?? 'auto';
  const pretty = format === 'pretty' || (format === 'auto' && out.isTTY === true);
  const stream: DestinationStream = pretty ? prettyStream(out, { color: out.isTTY === true && !process.env.NO_COLOR }) : options.destination ? (options.destination as DestinationStream) : pino.destination(2);
  const logger = pino({ level: options.level ?? 'info', base: { name: 'podlights' } }, stream);
  const line: LogFn = (text) => {
    const m = /^([a-z][\w-]*):\s+(.*)$/s.exec(text);
    const record = m ? { component: m[1] } : {};
    const msg = m ? m[2] : text;
    logger[levelOf(text)](record, msg);
  };
  return { logger, line };
}
