// Node-side encoding: Uint8Array frames for the bridge, splitting of long message lists (above
// all snapshots) into frames that each fit the board's max frame size.

import { encodeFrameBytes, messageSize } from './codec/encoder.ts';
import { cobsEncode } from './codec/cobs.ts';
import {
  DEFAULT_MAX_FRAME,
  FLAG,
  HEADER_SIZE,
  MIN_MAX_FRAME,
  MSG,
  TRAILER_SIZE,
} from './codec/types.ts';
import type { Frame, Message } from './codec/types.ts';

/** Thrown for input the encoder cannot put on the wire: a bridge bug, never a board's fault. */
export class EncodeError extends Error {
  constructor(reason: string) {
    super(`podlights protocol: cannot encode: ${reason}`);
    this.name = 'EncodeError';
  }
}

export function encodeFrame(frame: Frame): Uint8Array {
  const r = encodeFrameBytes(frame);
  if (r.error !== undefined) throw new EncodeError(r.error);
  return Uint8Array.from(r.bytes);
}

export interface PackOptions {
  /** Sequence number of the first frame; later frames count up, wrapping at 65536. */
  seq: number;
  /** Flags for every frame. */
  flags?: number;
  /** The receiving board's max frame size (default 1024). */
  maxFrame?: number;
}

function checkedMaxFrame(maxFrame: number | undefined): number {
  const max = maxFrame ?? DEFAULT_MAX_FRAME;
  if (!Number.isInteger(max) || max < MIN_MAX_FRAME) {
    throw new EncodeError(`max frame size ${max} is below the protocol minimum ${MIN_MAX_FRAME}`);
  }
  return max;
}

function sizeOf(m: Message, index: number): number {
  const size = messageSize(m);
  if (size < 0) {
    // Re-encode alone to get the reason.
    const r = encodeFrameBytes({ flags: 0, seq: 0, messages: [m] });
    throw new EncodeError(`message ${index}: ${r.error ?? 'invalid'}`);
  }
  return size;
}

/** Groups messages greedily into runs that each fit one frame of `maxFrame` bytes. */
function split(messages: Message[], maxFrame: number): Message[][] {
  const room = maxFrame - HEADER_SIZE - TRAILER_SIZE;
  const groups: Message[][] = [];
  let current: Message[] = [];
  let used = 0;
  messages.forEach((m, i) => {
    const size = sizeOf(m, i);
    if (used + size > room && current.length > 0) {
      groups.push(current);
      current = [];
      used = 0;
    }
    current.push(m);
    used += size;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Encodes messages into as few frames as fit the board's max frame size, in order, with
 * consecutive sequence numbers. Returns at least one frame (an empty list gives one empty frame).
 */
export function packFrames(messages: Message[], options: PackOptions): Uint8Array[] {
  const maxFrame = checkedMaxFrame(options.maxFrame);
  const groups = split(messages, maxFrame);
  if (groups.length === 0) groups.push([]);
  return groups.map((group, i) =>
    encodeFrame({ flags: options.flags ?? 0, seq: (options.seq + i) & 0xffff, messages: group }),
  );
}

export interface SnapshotOptions extends PackOptions {
  /** Identifies this snapshot in its BEGIN and END messages (the link layer's counter). */
  snapshot: number;
}

/**
 * A snapshot: SNAPSHOT_BEGIN (with the number of frames), the state messages, SNAPSHOT_END (with
 * the number of state messages), split across frames that all carry the SNAPSHOT flag.
 */
export function encodeSnapshot(state: Message[], options: SnapshotOptions): Uint8Array[] {
  return planSnapshot(state, options).encode(options.seq);
}

export interface SnapshotPlan {
  /** How many frames (and so sequence numbers) the snapshot takes. */
  frames: number;
  /** The frames, numbered from `seq`. */
  encode(seq: number): Uint8Array[];
}

/**
 * A snapshot split into frames but not yet numbered: a session learns how many sequence numbers
 * it needs before it takes them, without encoding the snapshot twice.
 */
export function planSnapshot(state: Message[], options: Omit<SnapshotOptions, 'seq'>): SnapshotPlan {
  const maxFrame = checkedMaxFrame(options.maxFrame);
  const flags = (options.flags ?? 0) | FLAG.SNAPSHOT;
  const begin = (frames: number): Message => ({ type: MSG.SNAPSHOT_BEGIN, snapshot: options.snapshot, frames });
  const end: Message = { type: MSG.SNAPSHOT_END, snapshot: options.snapshot, messages: state.length };
  // BEGIN has a fixed size, so the split does not depend on the frame count it will carry.
  const groups = split([begin(0), ...state, end], maxFrame);
  if (groups.length > 255) {
    throw new EncodeError(`snapshot needs ${groups.length} frames, more than 255; raise the board's max frame size`);
  }
  groups[0][0] = begin(groups.length);
  return {
    frames: groups.length,
    encode: (seq) => groups.map((group, i) => encodeFrame({ flags, seq: (seq + i) & 0xffff, messages: group })),
  };
}

/** Messages split into frames but not yet numbered (see planSnapshot). */
export function planFrames(messages: Message[], options: Omit<PackOptions, 'seq'>): SnapshotPlan {
  const groups = split(messages, checkedMaxFrame(options.maxFrame));
  if (groups.length === 0) groups.push([]);
  return {
    frames: groups.length,
    encode: (seq) => groups.map((group, i) => encodeFrame({ flags: options.flags ?? 0, seq: (seq + i) & 0xffff, messages: group })),
  };
}

/** A frame ready for a byte pipe: COBS-encoded, followed by the 0x00 delimiter. */
export function streamFrame(frame: Uint8Array): Uint8Array {
  const encoded = cobsEncode(Array.from(frame));
  encoded.push(0);
  return Uint8Array.from(encoded);
}
