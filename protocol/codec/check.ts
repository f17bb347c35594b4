// Frame checking: the part of the decoder a board carries (decoder.ts builds message objects on
// top of it). Input is a binary string (one byte per char, read with charCodeAt) because that is
// what Espruino's MQTT and serial hand over and what typescript-to-lua maps onto Lua strings
// (charCodeAt becomes string.byte). It never throws on bad input: every failure is a DecodeError
// value naming the byte offset.
//
// Decoding is two passes. checkFrame validates everything (header, size, CRC, every message's
// bounds, from the field kinds alone) without allocating per message; eachPayload then hands over
// each message as its type and where its payload starts, and the board reads the fields it needs
// straight from the frame (layout.ts OFFSET): no object per message (on Espruino every object is
// JsVars to allocate and free, on an ESP8266 a table). A board applies a frame only once it is
// known to be whole.
// Portable subset.

import { crc16String } from './crc16.ts';
import { decodeError, ERR } from './errors.ts';
import type { DecodeError } from './errors.ts';
import { DECISECONDS, FIXED, KINDS, STR, U16, U8 } from './kinds.ts';
import {
  DEFAULT_MAX_FRAME,
  HEADER_SIZE,
  MAGIC_0,
  MAGIC_1,
  MESSAGE_HEADER_SIZE,
  PROTOCOL_VERSION,
  TRAILER_SIZE,
} from './types.ts';

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

/** The unsigned 16-bit big-endian field at `at`. */
export function u16At(data: string, at: number): number {
  return data.charCodeAt(at) * 256 + data.charCodeAt(at + 1);
}

/**
 * Checks the fields of one known message; returns -1 when they fit within [start, end), else the
 * offset of the first field that does not.
 */
function scanFields(data: string, kinds: string, start: number, end: number): number {
  let at = start;
  for (let i = 0; i < kinds.length; i++) {
    const kind = kinds.charCodeAt(i) - 48;
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
    const kinds = KINDS[type];
    if (kinds === undefined) {
      skipped = skipped + 1;
    } else {
      // A message of fixed size at least that long fits; else its fields say where it stops.
      const fixed = FIXED[type];
      const bad = fixed !== undefined && len >= fixed ? -1 : scanFields(data, kinds, payload, payload + len);
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

/**
 * Hands each known message of a frame that checkFrame accepted to `visit` as its type and the
 * offset of its payload (fields checked, see OFFSET); unknown message types are passed over.
 */
export function eachPayload(data: string, visit: (this: void, type: number, at: number) => void): void {
  const end = data.length - TRAILER_SIZE;
  let at = HEADER_SIZE;
  while (at < end) {
    const type = data.charCodeAt(at);
    if (KINDS[type] !== undefined) visit(type, at + MESSAGE_HEADER_SIZE);
    at = at + MESSAGE_HEADER_SIZE + data.charCodeAt(at + 1);
  }
}

