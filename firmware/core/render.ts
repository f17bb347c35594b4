// Model + time -> one colour per LED (before brightness and current cap, see output.ts).
//
// Per lane: the lane's pods are put in display order (compact: arrival order; grouped: by group,
// then arrival; stable: by the slot each pod got when it came). Position k of that order is LED
// first+k. When there are more positions than LEDs, the lane aggregates: its last LED becomes a
// pulsing magenta "aggregating" indicator and each other LED shows a run of neighbouring
// positions in the majority group's colour, or blinking red if any pod of the run is failing.
// Portable subset.

import { HEALTH, LAYOUT } from '../../protocol/codec/types.ts';
import { animated, blink, DARK_RED, dim, failing, FLASH_MS, MAGENTA, mix, podColor, RED, WHITE, wave } from './anim.ts';
import { GONE, GONE_MS, L_COUNT, L_FIRST, L_HEALTH, LANE, P_BORN, P_GROUP, P_LANE, P_SINCE, P_SLOT, P_STATE, POD } from './model.ts';
import { R_AVAILABLE, R_DESIRED, R_LANE, R_READY, R_UPDATED, ROLLOUT } from './model.ts';
import type { Model } from './model.ts';

/** Reusable work arrays, so a frame allocates nothing once they have grown. */
export interface Scratch {
  order: number[];
  key: number[];
}

export function newScratch(): Scratch {
  return { order: [], key: [] };
}

/** Fills scratch.order with the lane's visible pods in display order; returns how many. */
function orderLane(model: Model, lane: number, now: number, s: Scratch): number {
  const p = model.pods;
  let n = 0;
  for (let i = 0; i < model.podCount(); i++) {
    const at = i * POD;
    if (p[at + P_LANE] === lane && !(p[at + P_STATE] === GONE && now - p[at + P_SINCE] >= GONE_MS)) {
      let key = i;
      if (model.layout === LAYOUT.GROUPED) key = p[at + P_GROUP] * 1024 + i;
      else if (model.layout === LAYOUT.STABLE) key = p[at + P_SLOT];
      // Insertion sort: the input is nearly sorted already (arrival order).
      let j = n;
      if (j === s.order.length) {
        s.order.push(0);
        s.key.push(0);
      }
      while (j > 0 && s.key[j - 1] > key) {
        s.order[j] = s.order[j - 1];
        s.key[j] = s.key[j - 1];
        j = j - 1;
      }
      s.order[j] = i;
      s.key[j] = key;
      n = n + 1;
    }
  }
  return n;
}

/** Does pod i's colour change with time? */
function moving(model: Model, i: number, now: number): boolean {
  return animated(model.pods[i * POD + P_STATE]) || now - model.pods[i * POD + P_BORN] < FLASH_MS;
}

/** Colour of pod i at `now`. */
function colorOf(model: Model, i: number, now: number): number {
  const at = i * POD;
  const p = model.pods;
  return podColor(model.color(p[at + P_GROUP]), p[at + P_STATE], p[at + P_SINCE], p[at + P_BORN], now);
}

/** Index (into order) of the first pod of the run [a, b) whose group most pods of the run share. */
function majority(model: Model, s: Scratch, a: number, b: number): number {
  let best = a;
  let bestCount = 0;
  for (let x = a; x < b; x++) {
    let count = 0;
    for (let y = a; y < b; y++) if (model.pods[s.order[y] * POD + P_GROUP] === model.pods[s.order[x] * POD + P_GROUP]) count = count + 1;
    if (count > bestCount) {
      best = x;
      bestCount = count;
    }
  }
  return best;
}

/** Draws one lane into buf; returns true when something in it animates. */
function drawLane(model: Model, li: number, buf: number[], now: number, s: Scratch): boolean {
  const first = model.lanes[li * LANE + L_FIRST];
  let leds = model.lanes[li * LANE + L_COUNT];
  if (first >= buf.length) return false;
  if (first + leds > buf.length) leds = buf.length - first;
  if (leds <= 0) return false;
  for (let k = 0; k < leds; k++) buf[first + k] = 0;
  const health = model.lanes[li * LANE + L_HEALTH];
  if (health === HEALTH.UNREACHABLE) {
    for (let k = 0; k < leds; k++) buf[first + k] = DARK_RED;
    return false;
  }
  const level = health === HEALTH.DEGRADED ? 96 : 255;
  const n = orderLane(model, model.lanes[li * LANE], now, s);
  let positions = n;
  if (model.layout === LAYOUT.STABLE && n > 0) positions = s.key[n - 1] + 1;
  let moves = false;
  let shown = positions;
  if (positions <= leds) {
    for (let k = 0; k < n; k++) {
      const i = s.order[k];
      const at = model.layout === LAYOUT.STABLE ? s.key[k] : k;
      buf[first + at] = dim(colorOf(model, i, now), level);
      if (moving(model, i, now)) moves = true;
    }
  } else {
    // Aggregation: LEDs 0..usable-1 show runs of positions, the last LED says so.
    const usable = leds - 1;
    shown = usable;
    buf[first + usable] = dim(MAGENTA, wave(now, 2000, 16, 96));
    moves = true;
    let a = 0;
    while (a < n) {
      const bucket = Math.floor(((model.layout === LAYOUT.STABLE ? s.key[a] : a) * usable) / positions);
      let b = a;
      let fail = false;
      while (b < n && Math.floor(((model.layout === LAYOUT.STABLE ? s.key[b] : b) * usable) / positions) === bucket) {
        if (failing(model.pods[s.order[b] * POD + P_STATE])) fail = true;
        b = b + 1;
      }
      let c = blink(now, 1000, 500) ? RED : 0;
      if (!fail) c = colorOf(model, s.order[majority(model, s, a, b)], now);
      buf[first + bucket] = dim(c, level);
      a = b;
    }
  }
  return drawRollouts(model, model.lanes[li * LANE], first, shown, buf, now) || moves;
}

/**
 * Rollout progress: a white cursor blinks over the lane at updated/desired of the shown
 * positions, walking from the lane's start to its end as new pods come up; it goes away once
 * desired, updated, ready and available all agree.
 */
function drawRollouts(model: Model, lane: number, first: number, shown: number, buf: number[], now: number): boolean {
  let moves = false;
  const r = model.rollouts;
  for (let k = 0; k < r.length; k = k + ROLLOUT) {
    const desired = r[k + R_DESIRED];
    const done = r[k + R_UPDATED] >= desired && r[k + R_READY] >= desired && r[k + R_AVAILABLE] >= desired;
    if (r[k + R_LANE] === lane && desired > 0 && !done && shown > 0) {
      let at = Math.floor((r[k + R_UPDATED] * shown) / desired);
      if (at >= shown) at = shown - 1;
      moves = true;
      if (blink(now, 1200, 300)) buf[first + at] = mix(buf[first + at], WHITE, 1, 2);
    }
  }
  return moves;
}

/** Draws every lane into buf (one packed colour per LED); returns true when something animates. */
export function drawModel(model: Model, buf: number[], now: number, s: Scratch): boolean {
  for (let k = 0; k < buf.length; k++) buf[k] = 0;
  let moves = false;
  for (let li = 0; li * LANE < model.lanes.length; li++) {
    if (drawLane(model, li, buf, now, s)) moves = true;
  }
  return moves;
}
