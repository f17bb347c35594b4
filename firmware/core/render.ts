// Model + time -> the LEDs: colours, overlays, brightness and the current cap.
//
// Per lane: the lane's pods are put in display order (compact: arrival order; grouped: by group,
// then arrival; stable: by the slot each pod got when it came). Position k of that order is LED
// first+k. When there are more positions than LEDs, the lane aggregates: its last LED becomes a
// pulsing magenta "aggregating" indicator and each other LED shows a run of neighbouring
// positions in the majority group's colour, or blinking red if any pod of the run is failing.
// A stale link dims everything to a quarter and blinks LED 0 amber; boards run from USB, so the
// draw is estimated (the sum of all channels) and the whole frame scaled down to the current cap.
//
// Cost: which pods each LED shows is worked out only when the model says who sits where changed
// (model.relayout), in a few passes over the pods. A frame then recomputes only the LEDs that
// animate and those of pods that changed state, keeps the channel sum up to date LED by LED and
// writes only those LEDs (all of them when the cap's scale factor moves). Steady LEDs are not
// touched. The colours are those of drawing everything every frame, so every runtime agrees.
// Integer math only. Portable subset.

import { HEALTH, LAYOUT } from '../../protocol/codec/types.ts';
import { AMBER, animated, blink, BLUE, DARK_RED, dim, failing, FLASH_MS, MAGENTA, mix, podColor, RED, WHITE, wave } from './anim.ts';
import { L_COUNT, L_FIRST, L_HEALTH, L_LEDS, L_N, L_POS, L_START, LANE, MAX_PODS, MOV } from './model.ts';
import { R_AVAILABLE, R_DESIRED, R_LANE, R_READY, R_UPDATED, ROLLOUT } from './model.ts';
import type { Model } from './model.ts';
import type { Strip } from './output.ts';
import { low, mid, top } from './pack.ts';
import { cell, INT, newStore, SHORT, SPARSE } from './store.ts';
import type { Store } from './store.ts';


// An LED's span (model.spans): (lane record + 1) * SPAN_LANE + from * 1024 + to, the run [from,
// to) of the order store it shows; 0 for an LED no lane covers; + MOV while it is to be redone.
const SPAN_LANE = 1048576;

function channels(c: number): number {
  return Math.floor(c / 65536) + (Math.floor(c / 256) % 256) + (c % 256);
}

export class Painter {
  /** Per LED: the colour it shows (overlays included, before brightness and the cap). */
  cur: Store;
  /** Estimated draw of the last frame (mA). */
  ma!: number;
  /** Pod records in display order, lane after lane (then pods placed since, see place). */
  private order: Store;
  /** Entries of `order` in use. */
  private used!: number;
  private leds: number;
  private strip: Strip;
  /** Channel sum of the LEDs at `level`, before the cap; the cap's factor (of 256). Set by the first frame, which writes everything. */
  private sum!: number;
  private factor!: number;
  private level!: number;
  private stale!: boolean;
  private now!: number;
  /** Set by ledColor: the colour it returned changes with time. */
  private moving!: boolean;

  constructor(ledCount: number, strip: Strip) {
    this.leds = ledCount;
    this.strip = strip;
    this.cur = newStore(ledCount, INT);
    this.order = newStore(MAX_PODS, SHORT + SPARSE);
  }

  /** Position of order entry k of a lane starting at `start`: its stable slot, or its rank. */
  private position(model: Model, start: number, k: number): number {
    return model.arrange === LAYOUT.STABLE ? model.key[this.order[start + k]] % 512 : k;
  }

  /** Sort key of a record within its lane (arrival order breaks ties). */
  private sortKey(model: Model, r: number): number {
    return model.arrange === LAYOUT.GROUPED ? mid(model.info[r]) : model.key[r] % 512;
  }

  /** Works out which pods each LED shows: the lanes' pods in display order, then each lane's LEDs. */
  private arrangeLeds(model: Model): void {
    const lanes = model.lanes;
    const o = this.order;
    const end = model.laneCount * LANE;
    // Two passes over the pods: how many each lane has, then each into its lane's part of `order`.
    for (let pass = 0; pass < 2; pass++) {
      let start = 0;
      for (let at = 0; at < end; at = at + LANE) {
        lanes[at + L_START] = start;
        start = start + lanes[at + L_N];
        lanes[at + L_N] = 0;
      }
      this.used = start;
      for (let r = 0; r < model.held; r++) {
        // (top() written out: a call per pod costs on Espruino.)
        const lane = cell(model.laneAt, Math.floor(model.info[r] / 65536));
        model.pled[r] = 0;
        if (lane > 0) {
          const at = (lane - 1) * LANE;
          if (pass > 0) o[lanes[at + L_START] + lanes[at + L_N]] = r;
          lanes[at + L_N] = lanes[at + L_N] + 1;
        }
      }
    }
    model.spans = newStore(this.leds, INT);
    for (let at = 0; at < end; at = at + LANE) this.layoutLane(model, at);
    model.placed = model.held;
  }

  /**
   * Places the pod added since the layout (record model.placed) alone, as arrangeLeds would,
   * where that moves no other pod: in a compact or stable lane that does not aggregate, its LED is
   * one no pod had (the next position, or its free slot). Its entry goes at the end of `order`
   * (a run of one entry needs no neighbours). Returns false where the whole layout must be redone.
   */
  private place(model: Model): boolean {
    const r = model.placed;
    const lane = cell(model.laneAt, top(model.info[r]));
    model.placed = r + 1;
    // A lane the bridge never described shows nothing, as in arrangeLeds.
    if (lane === 0) return true;
    const lanes = model.lanes;
    const at = (lane - 1) * LANE;
    const n = lanes[at + L_N];
    const leds = lanes[at + L_LEDS];
    const pos = model.arrange === LAYOUT.STABLE ? model.key[r] % 512 : n;
    if (model.arrange === LAYOUT.GROUPED || lanes[at + L_HEALTH] === HEALTH.UNREACHABLE || pos >= leds || lanes[at + L_POS] > leds) return false;
    const e = this.used;
    const led = lanes[at + L_FIRST] + pos;
    this.order[e] = r;
    this.used = e + 1;
    lanes[at + L_N] = n + 1;
    if (pos >= lanes[at + L_POS]) lanes[at + L_POS] = pos + 1;
    model.pled[r] = led + 1;
    // Redone in this frame, unless a later lane is drawn over it.
    if (Math.floor((model.spans[led] % MOV) / SPAN_LANE) === lane) {
      model.spans[led] = lane * SPAN_LANE + e * 1024 + e + 1;
      model.mark(led);
    }
    return true;
  }

  private layoutLane(model: Model, at: number): void {
    const lanes = model.lanes;
    const o = this.order;
    const first = lanes[at + L_FIRST];
    // The LEDs of the lane the strip has.
    const leds = first + lanes[at + L_COUNT] > this.leds ? this.leds - first : lanes[at + L_COUNT];
    lanes[at + L_LEDS] = leds;
    const s = lanes[at + L_START];
    const n = lanes[at + L_N];
    lanes[at + L_POS] = 0;
    if (leds <= 0) return;
    if (model.arrange !== LAYOUT.COMPACT) {
      // Insertion sort, stable: the pods come nearly in order (slots are handed out rising).
      for (let i = 1; i < n; i++) {
        const r = o[s + i];
        let j = i;
        while (j > 0 && this.sortKey(model, o[s + j - 1]) > this.sortKey(model, r)) {
          o[s + j] = o[s + j - 1];
          j = j - 1;
        }
        o[s + j] = r;
      }
    }
    const lane = (at / LANE + 1) * SPAN_LANE;
    for (let k = 0; k < leds; k++) model.spans[first + k] = lane;
    if (lanes[at + L_HEALTH] === HEALTH.UNREACHABLE) return;
    const positions = n > 0 ? this.position(model, s, n - 1) + 1 : 0;
    lanes[at + L_POS] = positions;
    // More positions than LEDs: LEDs 0..leds-2 show runs of positions, the last LED says so.
    const usable = positions > leds ? leds - 1 : positions;
    // One pass: positions rise along the order, so an LED's pods are neighbours; its span grows to
    // each (from the run's first; without aggregation a run is one pod, but two pods may share a
    // stable slot: the last shows).
    let from = 0;
    let prev = -1;
    for (let a = 0; a < n; a++) {
      const led = first + Math.floor((this.position(model, s, a) * usable) / positions);
      if (positions <= leds || led !== prev) from = a;
      model.pled[o[s + a]] = led + 1;
      model.spans[led] = lane + (s + from) * 1024 + s + a + 1;
      prev = led;
    }
  }

  /** Colour of LED k at `now`, before overlays; sets this.moving. */
  private ledColor(model: Model, k: number, now: number): number {
    this.moving = false;
    const span = model.spans[k] % MOV;
    if (span === 0) return 0;
    const at = (Math.floor(span / SPAN_LANE) - 1) * LANE;
    const lanes = model.lanes;
    const health = lanes[at + L_HEALTH];
    if (health === HEALTH.UNREACHABLE) return DARK_RED;
    const leds = lanes[at + L_LEDS];
    const aggregated = lanes[at + L_POS] > leds;
    if (aggregated && k === lanes[at + L_FIRST] + leds - 1) {
      this.moving = true;
      return dim(MAGENTA, wave(now, 2000, 16, 96));
    }
    const from = Math.floor(span / 1024) % 1024;
    const to = span % 1024;
    if (from === to) return 0;
    const o = this.order;
    // The run's colour: a failing pod wins (blinking red), else the first pod of the group most
    // pods of the run share.
    let best = from;
    let bestCount = 0;
    let c = -1;
    // (Without aggregation a run is one pod.) Counting from x on is enough: the first pod of a
    // group sees all of it, a later one fewer than the best count by then, which never wins.
    if (aggregated) {
      for (let x = from; x < to; x++) {
        if (failing(low(model.info[o[x]]))) c = blink(now, 1000, 500) ? RED : 0;
        let count = 0;
        for (let y = x; y < to; y++) if (mid(model.info[o[y]]) === mid(model.info[o[x]])) count = count + 1;
        if (count > bestCount) {
          best = x;
          bestCount = count;
        }
      }
    }
    const r = o[best];
    const i = model.info[r];
    this.moving = c >= 0 || animated(low(i)) || now - model.born[r] < FLASH_MS;
    // A group never described is white.
    const g = cell(model.groups, mid(i));
    if (c < 0) c = podColor(g > 0 ? g - 1 : 0xffffff, low(i), model.since[r], model.born[r], now);
    return health === HEALTH.DEGRADED ? dim(c, 96) : c;
  }

  /** What LED k shows at `level`, the stale overlay included. */
  private lit(k: number): number {
    let c = this.cur[k];
    if (this.stale) c = k === 0 && blink(this.now, 1000, 250) ? AMBER : dim(c, 64);
    return dim(c, this.level);
  }

  /** Writes LED k, showing `c` (its lit()), scaled to the cap. */
  private put(k: number, c: number): void {
    const f = this.factor;
    this.strip.set(k, Math.floor((top(c) * f) / 256), Math.floor((mid(c) * f) / 256), Math.floor((low(c) * f) / 256));
  }

  /** LED k now shows `c`: written at once, unless the whole strip is written at the end (`all`). */
  private show(k: number, c: number, all: boolean): void {
    if (all) {
      this.cur[k] = c;
    } else if (c !== this.cur[k]) {
      this.sum = this.sum - channels(this.lit(k));
      this.cur[k] = c;
      const v = this.lit(k);
      this.sum = this.sum + channels(v);
      this.put(k, v);
    }
  }

  /** Recomputes LED k; returns whether it animates. */
  private redo(model: Model, k: number, now: number, all: boolean): boolean {
    this.show(k, this.ledColor(model, k, now), all);
    model.spans[k] = model.spans[k] % MOV;
    if (this.moving) model.mark(k);
    return this.moving;
  }

  /**
   * Draws the frame for `now` (the waiting animation before any snapshot) and writes it out;
   * returns true when something animates.
   */
  frame(model: Model, now: number, waiting: boolean, stale: boolean, maPerChannel: number): boolean {
    // Every LED is written out at a new brightness (the first frame too), while the waiting
    // animation or the stale overlay is on, and as it goes off. A new layout redoes every LED's
    // colour but writes only those that changed.
    const all = waiting || stale || this.stale || model.level !== this.level;
    // Pods added since the last layout, one by one where that moves no other LED.
    while (!model.relayout && model.placed < model.held) model.relayout = !this.place(model);
    const every = all || model.relayout;
    let moves = waiting || stale;
    this.stale = stale;
    this.now = now;
    this.level = model.level;
    if (waiting) {
      this.cur = newStore(this.leds, INT);
      this.cur[0] = dim(BLUE, wave(now, 2000, 8, 128));
      // What the waiting animation drew is not the model's: lay it out again when it comes.
      model.relayout = true;
    } else {
      if (model.relayout) this.arrangeLeds(model);
      model.relayout = false;
      // The animating LEDs and those of pods changed in place (all after a change).
      // Every LED, or those marked (within lo..hi), which marks what animates for the next frame.
      const hi = every ? this.leds - 1 : model.hi;
      let k = every ? 0 : model.lo;
      model.lo = 65535;
      model.hi = -1;
      for (; k <= hi; k++) if ((every || model.spans[k] >= MOV) && this.redo(model, k, now, all)) moves = true;
      if (this.cursors(model, now, all)) moves = true;
    }
    if (all) {
      this.sum = 0;
      for (let k = 0; k < this.leds; k++) this.sum = this.sum + channels(this.lit(k));
    }
    let ma = Math.floor((this.sum * maPerChannel) / 255);
    // factor/256 of every channel when over the cap.
    let factor = 256;
    const capMa = model.capMa;
    if (capMa > 0 && ma > capMa) {
      factor = Math.floor((capMa * 256) / ma);
      ma = Math.floor((ma * factor) / 256);
    }
    if (all || factor !== this.factor) {
      this.factor = factor;
      for (let k = 0; k < this.leds; k++) this.put(k, this.lit(k));
    }
    this.strip.show();
    this.ma = ma;
    return moves;
  }

  /**
   * Rollout progress: a white cursor blinks over the lane at updated/desired of the shown
   * positions, walking from the lane's start to its end as new pods come up; it goes away once
   * desired, updated, ready and available all agree. Its LED is redone every frame (it blinks).
   */
  private cursors(model: Model, now: number, all: boolean): boolean {
    const r = model.rollouts;
    const lanes = model.lanes;
    let moves = false;
    for (let k = 0; k < model.rolloutCount * ROLLOUT; k = k + ROLLOUT) {
      const desired = r[k + R_DESIRED];
      const lane = cell(model.laneAt, r[k + R_LANE]);
      const at = (lane - 1) * LANE;
      if (lane > 0 && desired > 0 && !(r[k + R_UPDATED] >= desired && r[k + R_READY] >= desired && r[k + R_AVAILABLE] >= desired)) {
        const leds = lanes[at + L_LEDS];
        const positions = lanes[at + L_POS];
        const shown = positions > leds ? leds - 1 : positions;
        let c = Math.floor((r[k + R_UPDATED] * shown) / desired);
        c = lanes[at + L_FIRST] + (c >= shown ? shown - 1 : c);
        // Only over the lane's own LEDs (a later lane drawn over them hides it); none on an
        // unreachable lane or one without LEDs (positions 0 there).
        if (shown > 0 && Math.floor((model.spans[c] % MOV) / SPAN_LANE) === lane) {
          model.mark(c);
          moves = true;
          if (blink(now, 1200, 300)) this.show(c, mix(this.cur[c], WHITE, 1, 2), all);
        }
      }
    }
    return moves;
  }
}
