// The byte layout of every message type, as data. The encoder and the decoder both walk these
// tables, so a field can never be written in one order and read in another.
// Portable subset: runs on Espruino and, compiled, on Lua.

import { MSG } from './types.ts';

/** Field kinds. */
export const U8 = 1;
/** Unsigned 16-bit, big-endian. */
export const U16 = 2;
/** Length-prefixed string: one length byte, then that many bytes (UTF-8 by convention). */
export const STR = 3;
/** Milliseconds carried as an unsigned 16-bit count of 100 ms units. */
export const DECISECONDS = 4;

export interface Field {
  name: string;
  kind: number;
}

function f(name: string, kind: number): Field {
  return { name: name, kind: kind };
}

/** Fields of each known message type, in wire order. */
export const LAYOUTS: { [type: number]: Field[] } = {
  [MSG.HELLO]: [
    f('protoMin', U8),
    f('protoMax', U8),
    f('ledCount', U16),
    f('maxFrame', U16),
    f('caps', U16),
    f('boardId', STR),
    f('profile', STR),
    f('firmware', STR),
  ],
  [MSG.RESYNC]: [f('lastSeq', U16), f('reason', U8)],
  [MSG.SNAPSHOT_BEGIN]: [f('snapshot', U16), f('frames', U8)],
  [MSG.SNAPSHOT_END]: [f('snapshot', U16), f('messages', U16)],
  [MSG.CONFIG]: [f('brightness', U8), f('layout', U8), f('currentCap', U16), f('fps', U8)],
  [MSG.LANE]: [f('lane', U8), f('first', U16), f('count', U16), f('kind', U8), f('label', STR)],
  [MSG.GROUP]: [f('group', U8), f('r', U8), f('g', U8), f('b', U8), f('flags', U8)],
  [MSG.POD_ADD]: [f('pod', U16), f('lane', U8), f('group', U8), f('state', U8)],
  [MSG.POD_STATE]: [f('pod', U16), f('state', U8)],
  [MSG.POD_DEL]: [f('pod', U16)],
  [MSG.ROLLOUT]: [
    f('rollout', U8),
    f('lane', U8),
    f('group', U8),
    f('desired', U16),
    f('updated', U16),
    f('ready', U16),
    f('available', U16),
  ],
  [MSG.CLUSTER]: [f('lane', U8), f('health', U8)],
  [MSG.HEARTBEAT]: [f('timeoutMs', DECISECONDS)],
};
