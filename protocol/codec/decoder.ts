// Frame decoder: the messages of a frame as objects, built on check.ts (checkFrame validates,
// eachPayload walks; readMessage names the fields from layout.ts). A board uses check.ts alone.
// Portable subset.

import { checkFrame, eachPayload, u16At } from './check.ts';
import type { DecodeLimits } from './check.ts';
import type { DecodeError } from './errors.ts';
import { DECISECONDS, LAYOUTS, U16, U8 } from './layout.ts';
import type { Field } from './layout.ts';
import type { Message } from './types.ts';

export { checkFrame, eachPayload, u16At } from './check.ts';
export type { DecodeLimits, FrameInfo } from './check.ts';

export interface DecodedFrame {
  ok: true;
  version: number;
  flags: number;
  seq: number;
  messages: Message[];
  skipped: number;
  size: number;
}

/** Builds the message at `payload` (its fields already checked). Trailing bytes are ignored. */
function readMessage(data: string, type: number, layout: Field[], payload: number): Message {
  const m: { [field: string]: number | string } = { type: type };
  let at = payload;
  for (let i = 0; i < layout.length; i++) {
    const field = layout[i];
    if (field.kind === U8) {
      m[field.name] = data.charCodeAt(at);
      at = at + 1;
    } else if (field.kind === U16) {
      m[field.name] = u16At(data, at);
      at = at + 2;
    } else if (field.kind === DECISECONDS) {
      m[field.name] = u16At(data, at) * 100;
      at = at + 2;
    } else {
      const len = data.charCodeAt(at);
      m[field.name] = data.substring(at + 1, at + 1 + len);
      at = at + 1 + len;
    }
  }
  return m as unknown as Message;
}

/**
 * Hands each known message of a frame to `visit`, in order, as an object. Only for frames that
 * checkFrame accepted; unknown message types are passed over.
 */
export function eachMessage(data: string, visit: (this: void, m: Message) => void): void {
  eachPayload(data, (type: number, at: number) => visit(readMessage(data, type, LAYOUTS[type], at)));
}

/** checkFrame and eachMessage in one call, for callers that want every message at once. */
export function decodeFrame(data: string, limits?: DecodeLimits): DecodedFrame | DecodeError {
  const info = checkFrame(data, limits);
  if (!info.ok) return info;
  const messages: Message[] = [];
  eachMessage(data, (m: Message) => {
    messages.push(m);
  });
  return {
    ok: true,
    version: info.version,
    flags: info.flags,
    seq: info.seq,
    messages: messages,
    skipped: info.skipped,
    size: info.size,
  };
}
