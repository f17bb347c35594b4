// The byte layout of every message type, as data: names here, kinds in kinds.ts. The encoder and
// the decoder both walk these tables, so a field can never be written in one order and read in
// another.
// Portable subset: runs on Espruino and, compiled, on Lua.

import { KINDS } from './kinds.ts';
import { MSG } from './types.ts';

export { DECISECONDS, FIXED, KINDS, OFFSET, STR, U16, U8 } from './kinds.ts';

export interface Field {
  name: string;
  kind: number;
}

/** The fields of message `type`: `names` in wire order, with their kinds from KINDS. */
function fields(type: number, names: string[]): Field[] {
  const kinds = KINDS[type];
  const out: Field[] = [];
  for (let i = 0; i < names.length; i++) out.push({ name: names[i], kind: kinds.charCodeAt(i) - 48 });
  return out;
}

/** Fields of each known message type, in wire order. */
export const LAYOUTS: { [type: number]: Field[] } = {
  [MSG.HELLO]: fields(MSG.HELLO, ['protoMin', 'protoMax', 'ledCount', 'maxFrame', 'caps', 'boardId', 'profile', 'firmware']),
  [MSG.RESYNC]: fields(MSG.RESYNC, ['lastSeq', 'reason']),
  [MSG.SNAPSHOT_BEGIN]: fields(MSG.SNAPSHOT_BEGIN, ['snapshot', 'frames']),
  [MSG.SNAPSHOT_END]: fields(MSG.SNAPSHOT_END, ['snapshot', 'messages']),
  [MSG.CONFIG]: fields(MSG.CONFIG, ['brightness', 'layout', 'currentCap', 'fps']),
  [MSG.LANE]: fields(MSG.LANE, ['lane', 'first', 'count', 'kind', 'label']),
  [MSG.GROUP]: fields(MSG.GROUP, ['group', 'r', 'g', 'b', 'flags']),
  [MSG.POD_ADD]: fields(MSG.POD_ADD, ['pod', 'lane', 'group', 'state']),
  [MSG.POD_STATE]: fields(MSG.POD_STATE, ['pod', 'state']),
  [MSG.POD_DEL]: fields(MSG.POD_DEL, ['pod']),
  [MSG.ROLLOUT]: fields(MSG.ROLLOUT, ['rollout', 'lane', 'group', 'desired', 'updated', 'ready', 'available']),
  [MSG.CLUSTER]: fields(MSG.CLUSTER, ['lane', 'health']),
  [MSG.HEARTBEAT]: fields(MSG.HEARTBEAT, ['timeoutMs']),
};
