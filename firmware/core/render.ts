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
import { GONE, GONE_MS, L_COUNT, L_FIRST, L_HEALTH, LANE, P_BORN, P_INFO, P_SINCE, POD } from './model.ts';
import { low, mid, top } from './pack.ts';
import { R_AVAILABLE, R_DESIRED, R_LANE, R_READY, R_UPDATED, ROLLOUT } from './model.ts';
import type { Model } from './model.ts';

/**
 * Fills `order` (a reusable work array, so a frame allocates nothing once it has grown) with the
 * lane's visible pods in display order, each as key * 1024 + pod index (key: the position in
 * arrival order, group then arrival, or the stable slot; below 2^28); returns how many.
 */
function orderLane(model: Model, lane: number, now: number, order: number[]): number {
  const p = model.pods;
  let n = 0;
  for (let i = 0; i * POD < p.length; i++) {
    const at = i * POD;
    if (top(p[at + P_INFO]) === lane && !(low(p[at + P_INFO]) === GONE && now - p[at + P_SINCE] >= GONE_MS)) {
      let e = i * 1025;
      if (model.arrange === LAYOUT.GROUPED) e = (mid(p[at + P_INFO]) * 1024 + i) * 1024 + i;
      else if (model.arrange === LAYOUT.STABLE) e = (p[at] % 512) * 1024 + i;
      // Insertion sort: the input is nearly sorted already (arrival order).
      let j = n;
      if (j === order.length) order.push(0);
      while (j > 0 && order[j - 1] > e) {
        order[j] = order[j - 1];
        j = j - 1;
      }
      order[j] = e;
      n = n + 1;
    }
  }
  return n;
}

/** Does the pod at `at` change colour with time? */
function moving(model: Model, at: number, now: number): boolean {
  return animated(low(model.pods[at + P_INFO])) || now - model.pods[at + P_BORN] < FLASH_MS;
}

/** Colour of the pod at `at` at `now`. */
function colorOf(model: Model, at: number, now: number): number {
  const p = model.pods;
  return podColor(model.color(mid(p[at + P_INFO])), low(p[at + P_INFO]), p[at + P_SINCE], p[at + P_BORN], now);
}

/** Pod record offset of order entry k. */
function podAt(order: number[], k: number): number {
  return (order[k] % 1024) * POD;
}

/** Position of order entry k on the lane: its stable slot, or k. */
function position(model: Model, order: number[], k: number): number {
  return model.arrange === LAYOUT.STABLE ? Math.floor(order[k] / 1024) : k;
}

/** Order entry of the first pod of the run [a, b) whose group most pods of the run share. */
function majority(model: Model, order: number[], a: number, b: number): number {
  const p = model.pods;
  let best = a;
  let bestCount = 0;
  for (let x = a; x < b; x++) {
    let count = 0;
    for (let y = a; y < b; y++) if (mid(p[podAt(order, y) + P_INFO]) === mid(p[podAt(order, x) + P_INFO])) count = count + 1;
    if (count > bestCount) {
      best = x;
      bestCount = count;
    }
  }
  return best;
}

/** Draws the lane record at `li` (offset) into buf; returns true when something in it animates. */
function drawLane(model: Model, li: number, buf: number[], now: number, order: number[]): boolean {
  const lanes = model.lanes;
  const first = lanes[li + L_FIRST];
  let leds = lanes[li + L_COUNT];
  if (first + leds > buf.length) leds = buf.length - first;
  if (leds <= 0) return false;
  const health = lanes[li + L_HEALTH];
  for (let k = 0; k < leds; k++) buf[first + k] = health === HEALTH.UNREACHABLE ? DARK_RED : 0;
  if (health === HEALTH.UNREACHABLE) return false;
  const level = health === HEALTH.DEGRADED ? 96 : 255;
  const n = orderLane(model, lanes[li], now, order);
  const positions = n > 0 ? position(model, order, n - 1) + 1 : 0;
  let moves = false;
  let shown = positions;
  if (positions <= leds) {
    for (let k = 0; k < n; k++) {
      const at = podAt(order, k);
      buf[first + position(model, order, k)] = dim(colorOf(model, at, now), level);
      if (moving(model, at, now)) moves = true;
    }
  } else {
    // Aggregation: LEDs 0..usable-1 show runs of positions, the last LED says so.
    const usable = leds - 1;
    shown = usable;
    buf[first + usable] = dim(MAGENTA, wave(now, 2000, 16, 96));
    moves = true;
    let a = 0;
    while (a < n) {
      const bucket = Math.floor((position(model, order, a) * usable) / positions);
      let b = a;
      let fail = false;
      while (b < n && Math.floor((position(model, order, b) * usable) / positions) === bucket) {
        if (failing(low(model.pods[podAt(order, b) + P_INFO]))) fail = true;
        b = b + 1;
      }
      let c = blink(now, 1000, 500) ? RED : 0;
      if (!fail) c = colorOf(model, podAt(order, majority(model, order, a, b)), now);
      buf[first + bucket] = dim(c, level);
      a = b;
    }
  }
  return drawRollouts(model, lanes[li], first, shown, buf, now) || moves;
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
export function drawModel(model: Model, buf: number[], now: number, order: number[]): boolean {
  for (let k = 0; k < buf.length; k++) buf[k] = 0;
  let moves = false;
  for (let li = 0; li < model.lanes.length; li = li + LANE) {
    if (drawLane(model, li, buf, now, order)) moves = true;
  }
  return moves;
}
