// Frame encoder over plain arrays of byte values, so it runs unchanged where there is no
// Uint8Array (Lua) and on the bridge (which copies the array into a Uint8Array; see
// protocol/encode.ts). Invalid input is reported, never clamped: a value that does not fit its
// field yields an error reason and nothing is written for that message.
// Portable subset.

import { crc16Bytes } from './crc16.ts';
import { DECISECONDS, LAYOUTS, STR, U16, U8 } from './layout.ts';
import type { Field } from './layout.ts';
import { MAGIC_0, MAGIC_1, MAX_PAYLOAD, PROTOCOL_VERSION } from './types.ts';
import type { Frame, Message } from './types.ts';

export interface EncodeResult {
  /** The bytes; empty when `error` is set. */
  bytes: number[];
  /** Why the input could not be encoded, or undefined. */
  error?: string;
}

function isUint(v: unknown, max: number): boolean {
  return typeof v === 'number' && v >= 0 && v <= max && Math.floor(v) === v;
}

function pushU16(out: number[], v: number): void {
  out.push(Math.floor(v / 256));
  out.push(v % 256);
}

/** Encodes one field; returns an error reason or undefined. */
function writeField(out: number[], field: Field, v: unknown): string | undefined {
  if (field.kind === U8) {
    if (!isUint(v, 255)) return field.name + ' must be an integer 0..255, got ' + v;
    out.push(v as number);
  } else if (field.kind === U16) {
    if (!isUint(v, 65535)) return field.name + ' must be an integer 0..65535, got ' + v;
    pushU16(out, v as number);
  } else if (field.kind === DECISECONDS) {
    if (typeof v !== 'number' || v < 0 || v > 6553500) return field.name + ' must be 0..6553500 ms, got ' + v;
    // Round up so a timeout never gets shorter on the wire than asked for.
    pushU16(out, Math.ceil(v / 100));
  } else if (field.kind === STR) {
    if (typeof v !== 'string') return field.name + ' must be a string';
    if (v.length > 255) return field.name + ' is longer than 255 bytes';
    out.push(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c > 255) return field.name + ' must be a byte string (UTF-8 encode it first)';
      out.push(c);
    }
  }
  return undefined;
}

/** Appends one message (type, length, payload) to `out`; returns an error reason or undefined. */
export function writeMessage(out: number[], m: Message): string | undefined {
  const layout = LAYOUTS[m.type];
  if (layout === undefined) return 'unknown message type ' + m.type;
  const payload: number[] = [];
  const fields = m as unknown as { [name: string]: unknown };
  for (let i = 0; i < layout.length; i++) {
    const err = writeField(payload, layout[i], fields[layout[i].name]);
    if (err !== undefined) return 'message type ' + m.type + ': ' + err;
  }
  if (payload.length > MAX_PAYLOAD) return 'message type ' + m.type + ' payload exceeds ' + MAX_PAYLOAD + ' bytes';
  out.push(m.type);
  out.push(payload.length);
  for (let i = 0; i < payload.length; i++) out.push(payload[i]);
  return undefined;
}

/** Encoded size of one message, header included, or -1 if it cannot be encoded. */
export function messageSize(m: Message): number {
  const out: number[] = [];
  return writeMessage(out, m) === undefined ? out.length : -1;
}

/** Encodes a whole frame: header, messages, CRC. */
export function encodeFrameBytes(frame: Frame): EncodeResult {
  if (!isUint(frame.seq, 65535)) return { bytes: [], error: 'seq must be an integer 0..65535, got ' + frame.seq };
  if (!isUint(frame.flags, 255)) return { bytes: [], error: 'flags must be an integer 0..255, got ' + frame.flags };
  const out: number[] = [MAGIC_0, MAGIC_1, PROTOCOL_VERSION, frame.flags];
  pushU16(out, frame.seq);
  for (let i = 0; i < frame.messages.length; i++) {
    const err = writeMessage(out, frame.messages[i]);
    if (err !== undefined) return { bytes: [], error: 'message ' + i + ': ' + err };
  }
  pushU16(out, crc16Bytes(out, 0, out.length));
  return { bytes: out };
}

/** A frame as a binary string, for firmware transports (Espruino MQTT/serial, NodeMCU). */
export function bytesToBinaryString(bytes: number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s = s + String.fromCharCode(bytes[i]);
  return s;
}
