// The display model: everything the bridge told this board, and nothing else.
//
// Memory layout: each kind of record (pod, lane, group, rollout) lives in one flat array of
// numbers with a fixed stride (pod i's info is pods[i * POD + P_INFO]), instead of one object
// per record. On Lua a table per pod costs ~150 bytes where an array slot costs 16; on Espruino
// an object costs several JsVars where an array element costs one; and the code to add, find
// and remove records is written once. A pod packs its small fields into two numbers (below
// 2^25, so fengari's 32-bit integers hold them): 4 slots a pod, so 60 pods fit a 256-slot Lua
// array (4 KB) rather than a 512-slot one. Arrays only grow with push and shrink with pop (no
// holes), so Lua's 1-based arrays and `#` stay exact.
// Portable subset.

import { HEALTH, LAYOUT, MSG } from '../../protocol/codec/types.ts';
import type { Message } from '../../protocol/codec/types.ts';
import { low, top } from './pack.ts';
import type { Settings } from './settings.ts';

/** Internal pod state after POD_DEL: the pod flashes red, then leaves (GONE_MS). */
export const GONE = 15;
/** How long a deleted pod flashes red before the others close the gap. */
export const GONE_MS = 800;
/** Most pods one board tracks; more are counted in stats.podsDropped, never dropped silently. */
export const MAX_PODS = 512;
/** `born` of pods that came in a snapshot: they exist already, no flash-in. */
export const LONG_AGO = -100000;
/** Stale-link timeout until a HEARTBEAT says otherwise (ms). */
export const DEFAULT_TIMEOUT = 15000;

// Pod record: key (handle * 512 + slot, the stable layout position, below MAX_PODS), info
// (lane * 65536 + group * 256 + state: top, mid and low in pack.ts), since (ms of the last state
// change), born (ms of a delta POD_ADD, for the flash-in; LONG_AGO from a snapshot).
export const POD = 4;
export const P_INFO = 1;
export const P_SINCE = 2;
export const P_BORN = 3;
// Lane record: id, first LED, LED count, health.
export const LANE = 4;
export const L_FIRST = 1;
export const L_COUNT = 2;
export const L_HEALTH = 3;
// Group record: id, colour (r*65536 + g*256 + b).
export const GROUP = 2;
// Rollout record: id, lane, desired, updated, ready, available.
export const ROLLOUT = 6;
export const R_LANE = 1;
export const R_DESIRED = 2;
export const R_UPDATED = 3;
export const R_READY = 4;
export const R_AVAILABLE = 5;

/** Index of the record whose first field is `id`, or -1. */
export function find(a: number[], stride: number, id: number): number {
  for (let i = 0; i < a.length; i = i + stride) if (a[i] === id) return Math.floor(i / stride);
  return -1;
}

/** Offset of the record `id` (index * stride), added (zeroed) when missing. */
function upsert(a: number[], stride: number, id: number): number {
  let i = find(a, stride, id);
  if (i < 0) {
    i = Math.floor(a.length / stride);
    a.push(id);
    for (let k = 1; k < stride; k++) a.push(0);
  }
  return i * stride;
}

export interface ModelStats {
  podsDropped: number;
  unknownPods: number;
}

export class Model {
  pods!: number[];
  lanes!: number[];
  groups!: number[];
  rollouts!: number[];
  /** From CONFIG (0-255), else the settings'. */
  level!: number;
  /** One of LAYOUT. */
  arrange!: number;
  /** Current cap in mA. */
  capMa!: number;
  rate!: number;
  /** Stale-link timeout from HEARTBEAT (ms). */
  timeout: number;
  stats: ModelStats;
  private settings: Settings;

  constructor(settings: Settings) {
    this.settings = settings;
    this.timeout = DEFAULT_TIMEOUT;
    this.stats = { podsDropped: 0, unknownPods: 0 };
    this.clear();
  }

  /** Forgets everything the bridge said (a snapshot starts). */
  clear(): void {
    const s = this.settings;
    this.pods = [];
    this.lanes = [];
    this.groups = [];
    this.rollouts = [];
    this.level = s.brightness;
    this.arrange = s.layout;
    this.capMa = s.currentCap;
    this.rate = s.fps;
  }

  podCount(): number {
    return Math.floor(this.pods.length / POD);
  }

  /** Pod index by handle (deleted pods still flashing do not count), or -1. */
  findPod(id: number): number {
    const p = this.pods;
    for (let i = 0; i < p.length; i = i + POD) if (Math.floor(p[i] / 512) === id && low(p[i + P_INFO]) !== GONE) return Math.floor(i / POD);
    return -1;
  }

  /** Packed colour of a group (white for a group never described). */
  color(group: number): number {
    const i = find(this.groups, GROUP, group);
    return i >= 0 ? this.groups[i * GROUP + 1] : 0xffffff;
  }

  /** Lowest slot no pod of the lane holds (the stable layout's free LED). */
  private freeSlot(lane: number): number {
    const p = this.pods;
    let slot = 0;
    let i = 0;
    while (i < p.length) {
      if (p[i] % 512 === slot && top(p[i + P_INFO]) === lane) {
        slot = slot + 1;
        i = 0;
      } else {
        i = i + POD;
      }
    }
    return slot;
  }

  /** Removes the pod record at `at`, shifting the rest down (arrival order kept: the rest close the gap). */
  private removeAt(at: number): void {
    const p = this.pods;
    for (let k = at; k + POD < p.length; k++) p[k] = p[k + POD];
    for (let k = 0; k < POD; k++) p.pop();
  }

  /** Removes deleted pods whose red flash is over. Depends only on `now`, so every runtime agrees. */
  purge(now: number): boolean {
    const p = this.pods;
    let changed = false;
    let i = 0;
    while (i < p.length) {
      if (low(p[i + P_INFO]) === GONE && now - p[i + P_SINCE] >= GONE_MS) {
        this.removeAt(i);
        changed = true;
      } else {
        i = i + POD;
      }
    }
    return changed;
  }

  private addPod(id: number, lane: number, group: number, state: number, now: number): void {
    const p = this.pods;
    const i = this.findPod(id);
    if (i >= 0) {
      // The same handle again is the bridge re-describing a pod: it keeps its LED.
      const at = i * POD;
      p[at + P_INFO] = lane * 65536 + group * 256 + low(p[at + P_INFO]);
      this.setState(i, state, now);
    } else if (p.length >= MAX_PODS * POD) {
      this.stats.podsDropped = this.stats.podsDropped + 1;
    } else {
      const slot = this.freeSlot(lane);
      p.push(id * 512 + slot);
      p.push(lane * 65536 + group * 256 + state);
      p.push(now);
      p.push(now);
    }
  }

  private setState(i: number, state: number, now: number): void {
    const p = this.pods;
    const at = i * POD;
    const old = low(p[at + P_INFO]);
    if (old !== state) {
      p[at + P_INFO] = p[at + P_INFO] - old + state;
      p[at + P_SINCE] = now;
    }
  }

  /** Applies one state message. SNAPSHOT_BEGIN/END are the link's business, not the model's. */
  apply(m: Message, now: number, snapshot: boolean): void {
    if (m.type === MSG.POD_ADD) {
      this.addPod(m.pod, m.lane, m.group, m.state, snapshot ? LONG_AGO : now);
    } else if (m.type === MSG.POD_STATE || m.type === MSG.POD_DEL) {
      const i = this.findPod(m.pod);
      if (i < 0) this.stats.unknownPods = this.stats.unknownPods + 1;
      else if (m.type === MSG.POD_STATE) this.setState(i, m.state, now);
      else if (snapshot) this.removeAt(i * POD);
      else this.setState(i, GONE, now);
    } else if (m.type === MSG.GROUP) {
      this.groups[upsert(this.groups, GROUP, m.group) + 1] = m.r * 65536 + m.g * 256 + m.b;
    } else if (m.type === MSG.LANE) {
      const at = upsert(this.lanes, LANE, m.lane);
      this.lanes[at + L_FIRST] = m.first;
      this.lanes[at + L_COUNT] = m.count;
    } else if (m.type === MSG.CLUSTER) {
      this.lanes[upsert(this.lanes, LANE, m.lane) + L_HEALTH] = m.health <= HEALTH.UNREACHABLE ? m.health : HEALTH.DEGRADED;
    } else if (m.type === MSG.ROLLOUT) {
      const at = upsert(this.rollouts, ROLLOUT, m.rollout);
      const r = this.rollouts;
      r[at + R_LANE] = m.lane;
      r[at + R_DESIRED] = m.desired;
      r[at + R_UPDATED] = m.updated;
      r[at + R_READY] = m.ready;
      r[at + R_AVAILABLE] = m.available;
    } else if (m.type === MSG.CONFIG) {
      const s = this.settings;
      this.level = m.brightness;
      this.arrange = m.layout <= LAYOUT.STABLE ? m.layout : s.layout;
      this.capMa = m.currentCap !== 0 ? m.currentCap : s.currentCap;
      this.rate = m.fps !== 0 ? m.fps : s.fps;
    } else if (m.type === MSG.HEARTBEAT) {
      // A zero timeout would make every frame stale at once; treat it as "use the default".
      this.timeout = m.timeoutMs !== 0 ? m.timeoutMs : DEFAULT_TIMEOUT;
    }
  }
}
