// The display model: everything the bridge told this board, and nothing else.
//
// Memory layout: each kind of record (pod, lane, group, rollout) lives in one flat array of
// numbers with a fixed stride (pod i's state is pods[i * POD + P_STATE]), instead of one object
// per record. On Lua a table per pod costs ~150 bytes where an array slot costs 16; on Espruino
// an object costs several JsVars where an array element costs one; and the code to add, find
// and remove records is written once. Arrays only grow with push and shrink with pop (no holes),
// so Lua's 1-based arrays and `#` stay exact.
// Portable subset.

import { HEALTH, LAYOUT, MSG } from '../../protocol/codec/types.ts';
import type { Message } from '../../protocol/codec/types.ts';
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

// Pod record: handle, lane, group, state, since (ms of the last state change), born (ms of a
// delta POD_ADD, for the flash-in; LONG_AGO from a snapshot), slot (stable layout position).
export const POD = 7;
export const P_LANE = 1;
export const P_GROUP = 2;
export const P_STATE = 3;
export const P_SINCE = 4;
export const P_BORN = 5;
export const P_SLOT = 6;
// Lane record: id, first LED, LED count, health.
export const LANE = 4;
export const L_FIRST = 1;
export const L_COUNT = 2;
export const L_HEALTH = 3;
// Group record: id, colour (r*65536 + g*256 + b), flags.
export const GROUP = 3;
export const G_COLOR = 1;
// Rollout record: id, lane, new revision's group, desired, updated, ready, available.
export const ROLLOUT = 7;
export const R_LANE = 1;
export const R_DESIRED = 3;
export const R_UPDATED = 4;
export const R_READY = 5;
export const R_AVAILABLE = 6;

/** Index of the record whose first field is `id`, or -1. */
export function find(a: number[], stride: number, id: number): number {
  for (let i = 0; i < a.length; i = i + stride) if (a[i] === id) return Math.floor(i / stride);
  return -1;
}

/** Index of the record `id`, added (zeroed) when missing. */
function upsert(a: number[], stride: number, id: number): number {
  let i = find(a, stride, id);
  if (i < 0) {
    i = Math.floor(a.length / stride);
    a.push(id);
    for (let k = 1; k < stride; k++) a.push(0);
  }
  return i;
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
  brightness!: number;
  layout!: number;
  currentCap!: number;
  fps!: number;
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
    this.pods = [];
    this.lanes = [];
    this.groups = [];
    this.rollouts = [];
    this.brightness = this.settings.brightness;
    this.layout = this.settings.layout;
    this.currentCap = this.settings.currentCap;
    this.fps = this.settings.fps;
  }

  podCount(): number {
    return Math.floor(this.pods.length / POD);
  }

  /** Pod index by handle (deleted pods still flashing do not count), or -1. */
  findPod(id: number): number {
    const p = this.pods;
    for (let i = 0; i < p.length; i = i + POD) if (p[i] === id && p[i + P_STATE] !== GONE) return Math.floor(i / POD);
    return -1;
  }

  /** Packed colour of a group (white for a group never described). */
  color(group: number): number {
    const i = find(this.groups, GROUP, group);
    return i >= 0 ? this.groups[i * GROUP + G_COLOR] : 0xffffff;
  }

  /** Lowest slot no pod of the lane holds (the stable layout's free LED). */
  private freeSlot(lane: number): number {
    const p = this.pods;
    let slot = 0;
    let i = 0;
    while (i < p.length) {
      if (p[i + P_LANE] === lane && p[i + P_SLOT] === slot) {
        slot = slot + 1;
        i = 0;
      } else {
        i = i + POD;
      }
    }
    return slot;
  }

  /** Removes pod i, shifting the rest down (arrival order kept: the rest close the gap). */
  private removeAt(i: number): void {
    const p = this.pods;
    for (let k = i * POD; k + POD < p.length; k++) p[k] = p[k + POD];
    for (let k = 0; k < POD; k++) p.pop();
  }

  /** Removes deleted pods whose red flash is over. Depends only on `now`, so every runtime agrees. */
  purge(now: number): boolean {
    let changed = false;
    let i = 0;
    while (i < this.podCount()) {
      const at = i * POD;
      if (this.pods[at + P_STATE] === GONE && now - this.pods[at + P_SINCE] >= GONE_MS) {
        this.removeAt(i);
        changed = true;
      } else {
        i = i + 1;
      }
    }
    return changed;
  }

  private addPod(id: number, lane: number, group: number, state: number, now: number, snapshot: boolean): void {
    const p = this.pods;
    let i = this.findPod(id);
    if (i < 0) {
      if (this.podCount() >= MAX_PODS) {
        this.stats.podsDropped = this.stats.podsDropped + 1;
        return;
      }
      const slot = this.freeSlot(lane);
      i = this.podCount();
      p.push(id);
      for (let k = 1; k < POD; k++) p.push(0);
      p[i * POD + P_SLOT] = slot;
      p[i * POD + P_STATE] = -1;
      p[i * POD + P_BORN] = snapshot ? LONG_AGO : now;
    }
    // The same handle again is the bridge re-describing a pod: it keeps its LED.
    const at = i * POD;
    p[at + P_LANE] = lane;
    p[at + P_GROUP] = group;
    this.setState(i, state, snapshot ? LONG_AGO : now);
  }

  private setState(i: number, state: number, now: number): void {
    const at = i * POD;
    if (this.pods[at + P_STATE] !== state) {
      this.pods[at + P_STATE] = state;
      this.pods[at + P_SINCE] = now;
    }
  }

  /** Applies one state message. SNAPSHOT_BEGIN/END are the link's business, not the model's. */
  apply(m: Message, now: number, snapshot: boolean): void {
    if (m.type === MSG.POD_ADD) {
      this.addPod(m.pod, m.lane, m.group, m.state, now, snapshot);
    } else if (m.type === MSG.POD_STATE || m.type === MSG.POD_DEL) {
      const i = this.findPod(m.pod);
      if (i < 0) this.stats.unknownPods = this.stats.unknownPods + 1;
      else if (m.type === MSG.POD_STATE) this.setState(i, m.state, now);
      else if (snapshot) this.removeAt(i);
      else this.setState(i, GONE, now);
    } else if (m.type === MSG.GROUP) {
      const at = upsert(this.groups, GROUP, m.group) * GROUP;
      this.groups[at + G_COLOR] = m.r * 65536 + m.g * 256 + m.b;
      this.groups[at + 2] = m.flags;
    } else if (m.type === MSG.LANE) {
      const at = upsert(this.lanes, LANE, m.lane) * LANE;
      this.lanes[at + L_FIRST] = m.first;
      this.lanes[at + L_COUNT] = m.count;
    } else if (m.type === MSG.CLUSTER) {
      this.lanes[upsert(this.lanes, LANE, m.lane) * LANE + L_HEALTH] = m.health <= HEALTH.UNREACHABLE ? m.health : HEALTH.DEGRADED;
    } else if (m.type === MSG.ROLLOUT) {
      const at = upsert(this.rollouts, ROLLOUT, m.rollout) * ROLLOUT;
      const r = this.rollouts;
      r[at + R_LANE] = m.lane;
      r[at + 2] = m.group;
      r[at + R_DESIRED] = m.desired;
      r[at + R_UPDATED] = m.updated;
      r[at + R_READY] = m.ready;
      r[at + R_AVAILABLE] = m.available;
    } else if (m.type === MSG.CONFIG) {
      this.brightness = m.brightness;
      this.layout = m.layout <= LAYOUT.STABLE ? m.layout : this.settings.layout;
      this.currentCap = m.currentCap !== 0 ? m.currentCap : this.settings.currentCap;
      this.fps = m.fps !== 0 ? m.fps : this.settings.fps;
    } else if (m.type === MSG.HEARTBEAT) {
      // A zero timeout would make every frame stale at once; treat it as "use the default".
      this.timeout = m.timeoutMs !== 0 ? m.timeoutMs : DEFAULT_TIMEOUT;
    }
  }
}
