// Frame decoder. Input is a binary string (one byte per char, read with charCodeAt) because that
// is what Espruino's MQTT and serial hand over and what typescript-to-lua maps onto Lua strings
// (charCodeAt becomes string.byte). It never throws on bad input: every failure is a DecodeError
// value naming the byte offset.
//
// Decoding is two passes. checkFrame validates everything (header, size, CRC, every message's
// bounds) without allocating per message; eachMessage then hands over one message object at a
// time. A board applies a frame only once it is known to be whole, and a 1 KB frame of small
// deltas never needs a hundred live tables on an ESP8266.
// Portable subset.

import { crc16String } from './crc16.ts';
import { decodeError, ERR } from './errors.ts';
import type { DecodeError } from './errors.ts';
import { DECISECONDS, LAYOUTS, STR, U16, U8 } from './layout.ts';
import type { Field } from './layout.ts';
import {
  DEFAULT_MAX_FRAME,
  HEADER_SIZE,
  MAGIC_0,
  MAGIC_1,
  MESSAGE_HEADER_SIZE,
  PROTOCOL_VERSION,
  TRAILER_SIZE,
} from './types.ts';
import type { Message } from './types.ts';

export interface DecodeLimits {
  /** Frames longer than this are rejected (default 1024). */
  maxFrame?: number;
  /** Frames with more messages than this are rejected (default: no limit but maxFrame). */
  maxMessages?: number;
}

/** What checkFrame learned about a frame that is whole and well formed. */
export interface FrameInfo {
  ok: true;
  version: number;
  flags: number;
  seq: number;
  /** Messages of known types, in order. */
  count: number;
  /** Messages of types this decoder does not know; skipped, per the forward-compatibility rule. */
  skipped: number;
  size: number;
}

export interface DecodedFrame {
  ok: true;
  version: number;
  flags: number;
  seq: number;
  messages: Message[];
  skipped: number;
  size: number;
}

function u16At(data: string, at: number): number {
  return data.charCodeAt(at) * 256 + data.charCodeAt(at + 1);
}

/**
 * Checks the fields of one known message; returns -1 when they fit within [start, end), else the
 * offset of the first field that does not.
 */
function scanFields(data: string, layout: Field[], start: number, end: number): number {
  let at = start;
  for (let i = 0; i < layout.length; i++) {
    const kind = layout[i].kind;
    if (kind === U8) {
      if (at + 1 > end) return at;
      at = at + 1;
    } else if (kind === U16 || kind === DECISECONDS) {
      if (at + 2 > end) return at;
      at = at + 2;
    } else if (kind === STR) {
      if (at + 1 > end) return at;
      const len = data.charCodeAt(at);
      if (at + 1 + len > end) return at;
      at = at + 1 + len;
    }
  }
  return -1;
}

/** Validates a whole frame. Nothing is allocated per message. */
export function checkFrame(data: string, limits?: DecodeLimits): FrameInfo | DecodeError {
  const size = data.length;
  const maxFrame = limits !== undefined && limits.maxFrame !== undefined ? limits.maxFrame : DEFAULT_MAX_FRAME;
  const maxMessages = limits !== undefined && limits.maxMessages !== undefined ? limits.maxMessages : -1;
  if (size > maxFrame) {
    return decodeError(ERR.TOO_LARGE, maxFrame, 'frame of ' + size + ' bytes exceeds the limit of ' + maxFrame);
  }
  if (size < HEADER_SIZE + TRAILER_SIZE) {
    return decodeError(ERR.TRUNCATED, size, 'frame of ' + size + ' bytes is shorter than header and CRC');
  }
  if (data.charCodeAt(0) !== MAGIC_0 || data.charCodeAt(1) !== MAGIC_1) {
    return decodeError(ERR.BAD_MAGIC, 0, 'magic is not "PL"');
  }
  const version = data.charCodeAt(2);
  if (version !== PROTOCOL_VERSION) {
    return decodeError(ERR.BAD_VERSION, 2, 'protocol version ' + version + ' is not supported (speaks 1)');
  }
  const end = size - TRAILER_SIZE;
  const expected = u16At(data, end);
  const actual = crc16String(data, 0, end);
  if (expected !== actual) {
    return decodeError(ERR.BAD_CRC, end, 'CRC mismatch: frame says ' + expected + ', bytes give ' + actual);
  }
  let at = HEADER_SIZE;
  let count = 0;
  let skipped = 0;
  while (at < end) {
    if (at + MESSAGE_HEADER_SIZE > end) {
      return decodeError(ERR.BAD_LENGTH, at, 'message header runs past the end of the frame');
    }
    const type = data.charCodeAt(at);
    const len = data.charCodeAt(at + 1);
    const payload = at + MESSAGE_HEADER_SIZE;
    if (payload + len > end) {
      return decodeError(ERR.BAD_LENGTH, at + 1, 'message length ' + len + ' runs past the end of the frame');
    }
    const layout = LAYOUTS[type];
    if (layout === undefined) {
      skipped = skipped + 1;
    } else {
      const bad = scanFields(data, layout, payload, payload + len);
      if (bad >= 0) {
        return decodeError(ERR.SHORT_MESSAGE, bad, 'message type ' + type + ' ends before its fields do');
      }
      count = count + 1;
      if (maxMessages >= 0 && count > maxMessages) {
        return decodeError(ERR.TOO_MANY_MESSAGES, at, 'more than ' + maxMessages + ' messages');
      }
    }
    at = payload + len;
  }
  return {
    ok: true,
    version: version,
    flags: data.charCodeAt(3),
    seq: u16At(data, 4),
    count: count,
    skipped: skipped,
    size: size,
  };
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
 * Hands each known message of a frame to `visit`, in order. Only for frames that checkFrame
 * accepted; unknown message types are passed over.
 */
export function eachMessage(data: string, visit: (this: void, m: Message) => void): void {
  const end = data.length - TRAILER_SIZE;
  let at = HEADER_SIZE;
  while (at < end) {
    const type = data.charCodeAt(at);
    const len = data.charCodeAt(at + 1);
    const payload = at + MESSAGE_HEADER_SIZE;
    const layout = LAYOUTS[type];
    if (layout !== undefined) {
      visit(readMessage(data, type, layout, payload));
    }
    at = payload + len;
  }
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
