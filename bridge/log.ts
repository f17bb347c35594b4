// Structured logs with pino. The parts log plain lines through a `(line) => void` function (so
// they need no logging dependency and tests can collect lines); this adapter turns a line
// "component: message" into a JSON record {component, msg} at a level read from the wording.
import pino from 'pino';
import type { Logger } from 'pino';

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

export function createLogger(options: { level?: LogLevel; destination?: NodeJS.WritableStream } = {}): BridgeLogger {
  const logger = pino({ level: options.level ?? 'info', base: { name: 'podlights' } }, (options.destination as never) ?? pino.destination(2));
  const line: LogFn = (text) => {
    const m = /^([a-z][\w-]*):\s+(.*)$/s.exec(text);
    const record = m ? { component: m[1] } : {};
    const msg = m ? m[2] : text;
    logger[levelOf(text)](record, msg);
  };
  return { logger, line };
}
