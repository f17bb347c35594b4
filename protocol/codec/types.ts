// Protocol v1 vocabulary: every number that crosses the wire, and the shapes of the messages.
// This file is in the portable subset (shared/DESIGN.md): it is compiled to Lua and Espruino JS,
// so constants are plain objects of numbers rather than TypeScript enums.

export const MAGIC_0 = 0x50; // 'P'
export const MAGIC_1 = 0x4c; // 'L'
export const PROTOCOL_VERSION = 1;

/** magic(2) + version(1) + flags(1) + seq(2). */
export const HEADER_SIZE = 6;
/** CRC-16 at the end of every frame. */
export const TRAILER_SIZE = 2;
/** type(1) + length(1) in front of every message payload. */
export const MESSAGE_HEADER_SIZE = 2;
/** A message payload is at most this long (its length is one byte). */
export const MAX_PAYLOAD = 255;
/** The NodeMCU MQTT client's default buffer, and so the default ceiling for a frame. */
export const DEFAULT_MAX_FRAME = 1024;
/** Smallest max frame size a board may announce: a header, the largest message, a CRC. */
export const MIN_MAX_FRAME = HEADER_SIZE + MESSAGE_HEADER_SIZE + MAX_PAYLOAD + TRAILER_SIZE;

/** Frame flag bits. Unknown bits are ignored by receivers and sent as 0. */
export const FLAG = {
  /** Set on frames a board sends to the bridge (HELLO, RESYNC). */
  UPSTREAM: 0x01,
  /** Set on every frame that carries part of a snapshot. */
  SNAPSHOT: 0x02,
} as const;

export const MSG = {
  HELLO: 0x01,
  RESYNC: 0x02,
  SNAPSHOT_BEGIN: 0x10,
  SNAPSHOT_END: 0x11,
  CONFIG: 0x20,
  LANE: 0x21,
  GROUP: 0x22,
  POD_ADD: 0x30,
  POD_STATE: 0x31,
  POD_DEL: 0x32,
  ROLLOUT: 0x40,
  CLUSTER: 0x41,
  HEARTBEAT: 0x50,
} as const;

export const POD_STATE = {
  PENDING: 0,
  CREATING: 1,
  RUNNING: 2,
  NOT_READY: 3,
  TERMINATING: 4,
  SUCCEEDED: 5,
  FAILED: 6,
  CRASH_LOOP: 7,
  UNKNOWN: 8,
};

export const LANE_KIND = { CLUSTER: 0, NODE: 1, NAMESPACE: 2, WORKLOAD: 3 };

export const HEALTH = { HEALTHY: 0, DEGRADED: 1, UNREACHABLE: 2 };

export const LAYOUT = { COMPACT: 0, GROUPED: 1, STABLE: 2 };

/** GROUP flags. */
export const GROUP_FLAG = {
  /** The group is the new revision of a workload in a rollout. */
  NEW_REVISION: 0x01,
  /** The group is a canary beside the stable revision. */
  CANARY: 0x02,
  /**
   * A Service passes the workload over for another of the same app (the idle side of a
   * blue-green switch). The bridge sends such a group's color dimmed, so boards that do not know
   * the flag show it too.
   */
  IDLE: 0x04,
};

/** Why a board asks for a resync. */
export const RESYNC_REASON = {
  BOOT: 0,
  GAP: 1,
  BAD_FRAME: 2,
  INCOMPLETE_SNAPSHOT: 3,
  STALE: 4,
  USER: 5,
};

/** HELLO capability bits: what the firmware can render. */
export const CAP = {
  ANIMATIONS: 0x0001,
  AGGREGATION: 0x0002,
  ROLLOUT: 0x0004,
  CLUSTER_HEALTH: 0x0008,
  LAYOUT_GROUPED: 0x0010,
  LAYOUT_STABLE: 0x0020,
  STREAM_FRAMING: 0x0040,
};

// Message shapes. Every message is a plain object with a numeric `type` (one of MSG) and its
// fields as numbers or strings, so the same shape exists in JS and in Lua tables.

export interface Hello {
  type: typeof MSG.HELLO;
  boardId: string;
  profile: string;
  firmware: string;
  protoMin: number;
  protoMax: number;
  ledCount: number;
  maxFrame: number;
  caps: number;
}
export interface Resync { type: typeof MSG.RESYNC; lastSeq: number; reason: number }
export interface SnapshotBegin { type: typeof MSG.SNAPSHOT_BEGIN; snapshot: number; frames: number }
export interface SnapshotEnd { type: typeof MSG.SNAPSHOT_END; snapshot: number; messages: number }
/** Brightness 0-255; layout one of LAYOUT; currentCap in mA and fps, 0 meaning the board's own default. */
export interface Config { type: typeof MSG.CONFIG; brightness: number; layout: number; currentCap: number; fps: number }
export interface Lane { type: typeof MSG.LANE; lane: number; first: number; count: number; kind: number; label: string }
export interface Group { type: typeof MSG.GROUP; group: number; r: number; g: number; b: number; flags: number }
export interface PodAdd { type: typeof MSG.POD_ADD; pod: number; lane: number; group: number; state: number }
export interface PodState { type: typeof MSG.POD_STATE; pod: number; state: number }
export interface PodDel { type: typeof MSG.POD_DEL; pod: number }
/** Progress of one workload's rollout; `group` is the new revision's group. */
export interface Rollout {
  type: typeof MSG.ROLLOUT;
  rollout: number;
  lane: number;
  group: number;
  desired: number;
  updated: number;
  ready: number;
  available: number;
}
export interface Cluster { type: typeof MSG.CLUSTER; lane: number; health: number }
/** The board shows the link as stale when no frame arrived for `timeoutMs` (sent in 100 ms units). */
export interface Heartbeat { type: typeof MSG.HEARTBEAT; timeoutMs: number }

export type Message =
  | Hello
  | Resync
  | SnapshotBegin
  | SnapshotEnd
  | Config
  | Lane
  | Group
  | PodAdd
  | PodState
  | PodDel
  | Rollout
  | Cluster
  | Heartbeat;

export interface Frame {
  flags: number;
  seq: number;
  messages: Message[];
}
