// The wire kinds of every message type's fields, one digit a field in wire order: what checkFrame
// needs to know a message is whole, and all a board's decoder carries (layout.ts adds the field
// names for the encoder and decodeFrame, so a firmware build leaves them out).
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

/** Kinds of each known message type's fields: digit i is field i's kind (U8 '1', U16 '2', STR '3', DECISECONDS '4'). */
export const KINDS: { [type: number]: string } = {
  [MSG.HELLO]: '11222333',
  [MSG.RESYNC]: '21',
  [MSG.SNAPSHOT_BEGIN]: '21',
  [MSG.SNAPSHOT_END]: '22',
  [MSG.CONFIG]: '1121',
  [MSG.LANE]: '12213',
  [MSG.GROUP]: '11111',
  [MSG.POD_ADD]: '2111',
  [MSG.POD_STATE]: '21',
  [MSG.POD_DEL]: '2',
  [MSG.ROLLOUT]: '1112222',
  [MSG.CLUSTER]: '11',
  [MSG.HEARTBEAT]: '4',
};

/**
 * Payload bytes the fields of each message type without a string take (the sum of its KINDS):
 * checkFrame passes a message at least that long without walking its fields.
 */
export const FIXED: { [type: number]: number } = {
  [MSG.RESYNC]: 3,
  [MSG.SNAPSHOT_BEGIN]: 3,
  [MSG.SNAPSHOT_END]: 4,
  [MSG.CONFIG]: 5,
  [MSG.GROUP]: 5,
  [MSG.POD_ADD]: 5,
  [MSG.POD_STATE]: 3,
  [MSG.POD_DEL]: 2,
  [MSG.ROLLOUT]: 11,
  [MSG.CLUSTER]: 2,
  [MSG.HEARTBEAT]: 2,
};

/**
 * Byte offsets of fields within their message's payload, as KINDS lays them out (layout.ts names them): for readers
 * that take the fields straight from the frame (the firmware, through eachPayload). Inlined as
 * literals in the firmware builds; test/firmware/offsets.test.ts checks them against LAYOUTS.
 */
export const OFFSET = {
  /** SNAPSHOT_BEGIN and SNAPSHOT_END: snapshot (U16). */
  SNAPSHOT: 0,
  /** SNAPSHOT_END: messages (U16). */
  END_MESSAGES: 2,
  CONFIG_BRIGHTNESS: 0,
  CONFIG_LAYOUT: 1,
  /** U16. */
  CONFIG_CAP: 2,
  CONFIG_FPS: 4,
  /** LANE and CLUSTER: lane. */
  LANE: 0,
  /** U16. */
  LANE_FIRST: 1,
  /** U16. */
  LANE_COUNT: 3,
  CLUSTER_HEALTH: 1,
  GROUP: 0,
  GROUP_R: 1,
  GROUP_G: 2,
  GROUP_B: 3,
  /** POD_ADD, POD_STATE and POD_DEL: pod (U16). */
  POD: 0,
  ADD_LANE: 2,
  ADD_GROUP: 3,
  ADD_STATE: 4,
  /** POD_STATE: state. */
  STATE: 2,
  ROLLOUT: 0,
  ROLLOUT_LANE: 1,
  /** U16, and so are the three after it. */
  ROLLOUT_DESIRED: 3,
  ROLLOUT_UPDATED: 5,
  ROLLOUT_READY: 7,
  ROLLOUT_AVAILABLE: 9,
  /** HEARTBEAT: timeoutMs (U16, in 100 ms units). */
  HEARTBEAT: 0,
};
