// What a board sends up (HELLO, RESYNC), checked the same way for every transport: the frame must
// carry the UPSTREAM flag, and only HELLO and RESYNC mean anything to the bridge.
import { FLAG, MSG } from '../../../protocol/index.ts';
import type { DecodedFrame, Hello, Resync } from '../../../protocol/index.ts';

export interface Upstream {
  hellos: Hello[];
  resyncs: Resync[];
  /** Messages of other types in an upstream frame (counted, ignored). */
  ignored: number;
}

/** The HELLOs and RESYNCs of a decoded frame, or a reason to reject it. */
export function readUpstream(frame: DecodedFrame): Upstream | { problem: string } {
  if ((frame.flags & FLAG.UPSTREAM) === 0) return { problem: 'frame without the UPSTREAM flag' };
  const out: Upstream = { hellos: [], resyncs: [], ignored: 0 };
  for (const m of frame.messages) {
    if (m.type === MSG.HELLO) out.hellos.push(m);
    else if (m.type === MSG.RESYNC) out.resyncs.push(m);
    else out.ignored += 1;
  }
  if (out.hellos.length === 0 && out.resyncs.length === 0) return { problem: 'upstream frame without HELLO or RESYNC' };
  return out;
}

/** A board id usable as one MQTT topic level and as a map key: no wildcards, no separators. */
export function validBoardId(id: string): boolean {
  if (id.length === 0 || id.length > 64) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    // '/', '+', '#', control characters, and '$' at the start (reserved for broker topics).
    if (c === 0x2f || c === 0x2b || c === 0x23 || c < 0x20 || c === 0x7f) return false;
  }
  return id.charCodeAt(0) !== 0x24;
}

/** Frame header byte 3 holds the flags: lets queues tell snapshot frames from deltas unparsed. */
export function isSnapshotFrame(frame: Uint8Array): boolean {
  return frame.length > 3 && (frame[3] & FLAG.SNAPSHOT) !== 0;
}

/** A snapshot frame whose first message is SNAPSHOT_BEGIN: it resets the board whatever came before. */
export function startsSnapshot(frame: Uint8Array): boolean {
  return isSnapshotFrame(frame) && frame.length > 6 && frame[6] === MSG.SNAPSHOT_BEGIN;
}
