// The display model: everything the bridge told this board, and nothing else.
//
// Memory layout: structure of arrays in numeric stores (store.ts: typed arrays on Espruino, tables
// on Lua), one store per field, indexed by record number, so nothing walks a plain Array. Pod
// records are kept in arrival order, without holes: the purge of deleted pods closes the gaps in
// one pass and rebuilds the handle hash. A handle finds its record through that open-addressing
// hash, the stable layout's lowest free LED comes from a per-lane counter (a scan only while the
// lane has holes), lanes and groups are found by id directly. What the renderer must redo is
// flagged: `relayout` (who sits where changed), or the LED of a pod that changed state (MOV in `spans`).
// Small pod fields are packed (below 2^25, so fengari's 32-bit integers hold them).
// Portable subset.

import { u16At } from '../../protocol/codec/check.ts';
import { OFFSET } from '../../protocol/codec/kinds.ts';
import { HEALTH, LAYOUT, MSG } from '../../protocol/codec/types.ts';
import { low, top } from './pack.ts';
import { cell, GROW, INT, newStore, POD_LIMIT, SHORT, SPARSE, TIME, BYTE } from './store.ts';
import type { Store } from './store.ts';
import type { Settings } from './settings.ts';

/** Internal pod state after POD_DEL: the pod flashes red, then leaves (GONE_MS). */
export const GONE = 15;
/** How long a deleted pod flashes red before the others close the gap. */
export const GONE_MS = 800;
/** Most pods one board tracks (its profile's maxPods); more are counted in stats.podsDropped. */
export const MAX_PODS = POD_LIMIT;
/** `born` of pods that came in a snapshot: they exist already, no flash-in. */
export const LONG_AGO = -100000;
/** Stale-link timeout until a HEARTBEAT says otherwise (ms). */
export const DEFAULT_TIMEOUT = 15000;

// Lane record: id, first LED, LED count, health; then what the renderer derives: where the lane's
// pods start in its order store, how many there are, how many positions they take, how many of
// its LEDs the strip has.
export const LANE = 8;
export const L_FIRST = 1;
export const L_COUNT = 2;
export const L_HEALTH = 3;
export const L_START = 4;
export const L_N = 5;
export const L_POS = 6;
export const L_LEDS = 7;
/** Lanes a board keeps (more LANE messages are ignored: a lane needs LEDs, boards have few). */
export const MAX_LANES = 64;
// Rollout record: id, lane, desired, updated, ready, available.
export const ROLLOUT = 6;
export const R_LANE = 1;
export const R_DESIRED = 2;
export const R_UPDATED = 3;
export const R_READY = 4;
export const R_AVAILABLE = 5;
export const MAX_ROLLOUTS = 32;
/** Added to an LED's span (below 2^27) while it must be redone in the next frame. */
export const MOV = 134217728;

export interface ModelStats {
  podsDropped: number;
  unknownPods: number;
}

export class Model {
  /** Per pod record: handle * 512 + stable slot. */
  key: Store;
  /** Per pod record: lane * 65536 + group * 256 + state (pack.ts). */
  info: Store;
  /** Per pod record: ms of the last state change. */
  since: Store;
  /** Per pod record: ms of a delta POD_ADD (the flash-in), LONG_AGO from a snapshot. */
  born: Store;
  /** Per pod record: its LED + 1 (0: not shown); the renderer writes it. */
  pled: Store;
  /** Pod records, in arrival order (deleted pods still flashing count). */
  held!: number;
  /** Handle -> record + 1, open addressing; deleted pods stay in it until the purge. */
  private hash!: Store;
  /** Per lane id: next slot * 2, or 1 once the lane has had holes (see slot()). */
  private lslots!: Store;
  /** Per group id: colour + 1 (0: never described, white; render.ts). */
  groups!: Store;
  lanes!: Store;
  laneCount!: number;
  /** Per lane id: lane record + 1. */
  laneAt!: Store;
  rollouts!: Store;
  rolloutCount!: number;
  /** Deleted pods still flashing, and the earliest time one of them is due to leave. */
  private gone!: number;
  private purgeAt!: number;
  /** Who sits where changed: the renderer lays the strip out again. */
  relayout!: boolean;
  /** Records the layout has placed (render.ts); records after them are pods added since, placed one by one. */
  placed = 0;
  /** Per LED: which pods it shows (render.ts writes it), + MOV while it must be redone in the next frame (it animates, or its pod changed). */
  spans: Store;
  /** The LEDs marked MOV lie within lo..hi (the next frame looks only there). */
  lo = 65535;
  hi = -1;
  /** From CONFIG (0-255), else the settings'. */
  level!: number;
  /** One of LAYOUT. */
  arrange!: number;
  /** Current cap in mA. */
  capMa!: number;
  rate!: number;
  /** Stale-link timeout from HEARTBEAT (ms). */
  timeout = DEFAULT_TIMEOUT;
  stats: ModelStats;
  private settings: Settings;

  constructor(settings: Settings) {
    this.settings = settings;
    this.stats = { podsDropped: 0, unknownPods: 0 };
    this.key = newStore(MAX_PODS, INT + GROW);
    this.info = newStore(MAX_PODS, INT + GROW);
    this.since = newStore(MAX_PODS, TIME + GROW);
    this.born = newStore(MAX_PODS, TIME + GROW);
    this.pled = newStore(MAX_PODS, SHORT + GROW);
    this.spans = newStore(settings.ledCount, INT);
    this.clear();
  }

  /** Forgets everything the bridge said (a snapshot starts). */
  clear(): void {
    const s = this.settings;
    this.held = 0;
    this.gone = 0;
    this.hash = newStore(MAX_PODS * 2, SHORT + SPARSE);
    this.lslots = newStore(256, SHORT + SPARSE);
    this.groups = newStore(256, INT + SPARSE);
    this.laneAt = newStore(256, BYTE + SPARSE);
    this.lanes = newStore(MAX_LANES * LANE, INT + GROW);
    this.laneCount = 0;
    this.rollouts = newStore(MAX_ROLLOUTS * ROLLOUT, INT + GROW);
    this.rolloutCount = 0;
    this.relayout = true;
    this.level = s.brightness;
    this.arrange = s.layout;
    this.capMa = s.currentCap;
    this.rate = s.fps;
  }

  podCount(): number {
    return this.held;
  }

  /** Record of the live pod with handle `id` (deleted pods still flashing do not count), or -1 - the hash slot where it would go. */
  private find(id: number): number {
    const h = this.hash;
    let i = id % (MAX_PODS * 2);
    while (cell(h, i) > 0) {
      const r = h[i] - 1;
      if (Math.floor(this.key[r] / 512) === id && low(this.info[r]) !== GONE) return r;
      i = (i + 1) % (MAX_PODS * 2);
    }
    return -1 - i;
  }

  /** A pod of `lane` takes or gives back (`gives`) `slot`: while the lane holds slots 0..next-1 once each (even: next * 2), it goes on so; else it has holes (1) and freeSlot scans. */
  private slot(lane: number, slot: number, gives: boolean): void {
    const v = cell(this.lslots, lane);
    this.lslots[lane] = v % 2 === 0 && slot * 2 === (gives ? v - 2 : v) ? (gives ? v - 2 : v + 2) : 1;
  }

  /** Lowest slot no pod of the lane holds (the stable layout's free LED). */
  private freeSlot(lane: number): number {
    const v = cell(this.lslots, lane);
    if (v % 2 === 0) return Math.floor(v / 2);
    // The lane has had holes (a pod left from its middle, or moved lanes): one pass marks what is
    // held (until the next snapshot; adds to other lanes stay O(1)).
    const m = newStore(MAX_PODS + 1, BYTE + SPARSE);
    for (let r = 0; r < this.held; r++) if (top(this.info[r]) === lane) m[this.key[r] % 512] = 1;
    let slot = 0;
    while (cell(m, slot) > 0) slot = slot + 1;
    return slot;
  }

  /** A pod went GONE at `since`: it leaves GONE_MS later (purge). */
  private goneAt(since: number): void {
    if (this.gone === 0 || since + GONE_MS < this.purgeAt) this.purgeAt = since + GONE_MS;
    this.gone = this.gone + 1;
  }

  /** Removes deleted pods whose red flash is over. Depends only on `now`, so every runtime agrees. */
  purge(now: number): boolean {
    if (this.gone === 0 || now < this.purgeAt) return false;
    // One pass closes the gaps; the hash is built again for the records' new places.
    const n = this.held;
    this.held = 0;
    this.gone = 0;
    this.hash = newStore(MAX_PODS * 2, SHORT + SPARSE);
    for (let r = 0; r < n; r++) {
      const i = this.info[r];
      if (low(i) === GONE && now - this.since[r] >= GONE_MS) {
        this.slot(top(i), this.key[r] % 512, true);
      } else {
        const w = this.held;
        this.key[w] = this.key[r];
        this.info[w] = i;
        this.since[w] = this.since[r];
        this.born[w] = this.born[r];
        // Into the first free slot of its probe run: find() passes deleted pods, and a handle's
        // live pod is the last record with that handle (it came after the deleted ones).
        this.hash[-1 - this.find(Math.floor(this.key[w] / 512))] = w + 1;
        if (low(i) === GONE) this.goneAt(this.since[w]);
        this.held = w + 1;
      }
    }
    this.relayout = true;
    return true;
  }

  private addPod(id: number, lane: number, group: number, state: number, now: number): void {
    const i = this.find(id);
    if (i >= 0) {
      // The same handle again is the bridge re-describing a pod: it keeps its LED.
      const old = this.info[i];
      if (top(old) !== lane) {
        this.slot(top(old), this.key[i] % 512, true);
        this.slot(lane, this.key[i] % 512, false);
      }
      this.info[i] = lane * 65536 + group * 256 + low(old);
      this.setState(i, state, now);
    } else if (this.held >= MAX_PODS) {
      this.stats.podsDropped = this.stats.podsDropped + 1;
    } else {
      const slot = this.freeSlot(lane);
      const r = this.held;
      // Every field written, store by store: a GROW store is written before it is read.
      this.key[r] = id * 512 + slot;
      this.info[r] = lane * 65536 + group * 256 + state;
      this.since[r] = now;
      this.born[r] = now;
      this.pled[r] = 0;
      this.hash[-1 - i] = r + 1;
      this.held = r + 1;
      this.slot(lane, slot, false);
      if (state === GONE) this.goneAt(now);
      // No relayout: the renderer places the new record alone where it can (render.ts place).
      return;
    }
    this.relayout = true;
  }

  private setState(r: number, state: number, now: number): void {
    const old = low(this.info[r]);
    if (old !== state) {
      this.info[r] = this.info[r] - old + state;
      this.since[r] = now;
      if (state === GONE) this.goneAt(now);
      // Its LED is redone in the next frame (pled is current unless relayout is set, and then
      // every LED is redone).
      const k = this.pled[r] - 1;
      if (k >= 0) this.mark(k);
    }
  }

  /** LED k is to be redone in the next frame. */
  mark(k: number): void {
    if (this.spans[k] < MOV) this.spans[k] = this.spans[k] + MOV;
    if (k < this.lo) this.lo = k;
    if (k > this.hi) this.hi = k;
  }

  /** Offset of record `id` among the `count` records of `stride` fields in `s` (added, zeroed, when missing and there is room; else -1). */
  private record(s: Store, stride: number, count: number, most: number, id: number): number {
    for (let k = 0; k < count * stride; k = k + stride) if (s[k] === id) return k;
    if (count >= most) return -1;
    for (let k = 0; k < stride; k++) s[count * stride + k] = k === 0 ? id : 0;
    return count * stride;
  }

  /** Offset of lane `id`'s record (added when missing), or -1 when MAX_LANES are taken. */
  private laneOf(id: number): number {
    const i = cell(this.laneAt, id);
    if (i > 0) return (i - 1) * LANE;
    const at = this.record(this.lanes, LANE, this.laneCount, MAX_LANES, id);
    if (at >= 0) {
      this.laneCount = this.laneCount + 1;
      this.laneAt[id] = this.laneCount;
    }
    return at;
  }

  /**
   * Applies one state message: its type and its payload at `at` in the frame `d` (eachPayload).
   * SNAPSHOT_BEGIN/END are the link's business, not the model's.
   */
  apply(type: number, d: string, at: number, now: number, snapshot: boolean): void {
    // What a snapshot describes exists already: no flash-in, and a POD_DEL in it is long gone.
    const t = snapshot ? LONG_AGO : now;
    // Payload bytes 0-4, read once: every field below but ROLLOUT's counts lies in them (kinds.ts
    // OFFSET). Past a short payload they are the next message's or the CRC's, unused; only byte 4
    // can lie past the frame (a 2-byte payload last), and is not read there (a Lua build with
    // integer numbers would stop on the NaN charCodeAt gives).
    const b0 = d.charCodeAt(at);
    const b1 = d.charCodeAt(at + 1);
    const b2 = d.charCodeAt(at + 2);
    const b3 = d.charCodeAt(at + 3);
    const b4 = at + 4 < d.length ? d.charCodeAt(at + 4) : 0;
    if (type === MSG.POD_ADD) {
      // pod (U16), lane, group, state.
      this.addPod(b0 * 256 + b1, b2, b3, b4, t);
    } else if (type === MSG.POD_STATE || type === MSG.POD_DEL) {
      const i = this.find(b0 * 256 + b1);
      // A POD_DEL inside a snapshot removes the pod at once: gone since long ago, the next
      // purge (before any drawing) takes it.
      if (i < 0) this.stats.unknownPods = this.stats.unknownPods + 1;
      else this.setState(i, type === MSG.POD_STATE ? b2 : GONE, t);
    } else if (type === MSG.HEARTBEAT) {
      // timeoutMs in 100 ms units (U16). A zero timeout would make every frame stale at once;
      // treat it as "use the default".
      const ms = (b0 * 256 + b1) * 100;
      this.timeout = ms !== 0 ? ms : DEFAULT_TIMEOUT;
    } else {
      this.relayout = true;
      if (type === MSG.GROUP) {
        // group, r, g, b.
        this.groups[b0] = b1 * 65536 + b2 * 256 + b3 + 1;
      } else if (type === MSG.LANE || type === MSG.CLUSTER) {
        const k = this.laneOf(b0);
        if (k >= 0) {
          if (type === MSG.LANE) {
            // lane, first (U16), count (U16).
            this.lanes[k + L_FIRST] = b1 * 256 + b2;
            this.lanes[k + L_COUNT] = b3 * 256 + b4;
          } else {
            // lane, health.
            this.lanes[k + L_HEALTH] = b1 <= HEALTH.UNREACHABLE ? b1 : HEALTH.DEGRADED;
          }
        }
      } else if (type === MSG.ROLLOUT) {
        // rollout, lane, group, then desired, updated, ready and available (U16 each).
        const r = this.rollouts;
        const k = this.record(r, ROLLOUT, this.rolloutCount, MAX_ROLLOUTS, b0);
        if (k >= 0) {
          if (k === this.rolloutCount * ROLLOUT) this.rolloutCount = this.rolloutCount + 1;
          r[k + R_LANE] = b1;
          r[k + R_DESIRED] = b3 * 256 + b4;
          r[k + R_UPDATED] = u16At(d, at + OFFSET.ROLLOUT_UPDATED);
          r[k + R_READY] = u16At(d, at + OFFSET.ROLLOUT_READY);
          r[k + R_AVAILABLE] = u16At(d, at + OFFSET.ROLLOUT_AVAILABLE);
        }
      } else if (type === MSG.CONFIG) {
        // brightness, layout, currentCap (U16), fps.
        const s = this.settings;
        const cap = b2 * 256 + b3;
        this.level = b0;
        this.arrange = b1 <= LAYOUT.STABLE ? b1 : s.layout;
        this.capMa = cap !== 0 ? cap : s.currentCap;
        this.rate = b4 !== 0 ? b4 : s.fps;
      }
    }
  }
}
