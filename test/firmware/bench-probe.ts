// The firmware benchmarks' scenes, compiled into the Espruino build (test/bench/firmware-cost.ts
// measures it in the cost model) and the Lua build (timed with os.clock in lua5.1): a 60-LED
// board holding `pods` pods in one lane, four groups, one pod pending (it breathes, so every
// frame has one LED to redo). Frames are encoded up front, so only the board's work is measured.
// Portable subset.
import type { Core } from '../../firmware/core/core.ts';
import { quietBoard } from './harness.ts';
import { bytesToBinaryString, encodeFrameBytes } from '../../protocol/codec/encoder.ts';
import { FLAG, MSG, POD_STATE } from '../../protocol/codec/types.ts';
import type { Message } from '../../protocol/codec/types.ts';

let core: Core;
let now = 0;
let snapshot = '';
let deltas: string[] = [];
let next = 0;

/** Encodes the scene's snapshot (one frame) and `count` one-pod deltas; returns the snapshot's size. */
export function prepare(pods: number, count: number): number {
  const msgs: Message[] = [{ type: MSG.SNAPSHOT_BEGIN, snapshot: 1, frames: 1 }];
  msgs.push({ type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'node-1' });
  for (let g = 0; g < 4; g++) msgs.push({ type: MSG.GROUP, group: g, r: 40 * g, g: 80, b: 255 - 40 * g, flags: 0 });
  for (let i = 0; i < pods; i++) msgs.push({ type: MSG.POD_ADD, pod: i, lane: 0, group: i % 4, state: i === 3 ? POD_STATE.PENDING : POD_STATE.RUNNING });
  msgs.push({ type: MSG.SNAPSHOT_END, snapshot: 1, messages: pods + 5 });
  snapshot = bytesToBinaryString(encodeFrameBytes({ flags: FLAG.SNAPSHOT, seq: 1, messages: msgs }).bytes);
  deltas = [];
  for (let k = 0; k < count; k++) {
    // Pod 7 goes back and forth between two steady states: one LED to redo.
    const state = k % 2 === 0 ? POD_STATE.SUCCEEDED : POD_STATE.RUNNING;
    deltas.push(bytesToBinaryString(encodeFrameBytes({ flags: 0, seq: 2 + k, messages: [{ type: MSG.POD_STATE, pod: 7, state: state }] }).bytes));
  }
  return snapshot.length;
}

/** A fresh board takes the snapshot (not drawn yet). */
export function applySnapshot(): number {
  core = quietBoard(8192);
  now = 1000;
  core.receive(snapshot, now);
  return core.model.podCount();
}

/** A board holding the scene, drawn once (the layout done). */
export function setup(): number {
  applySnapshot();
  next = 0;
  now = now + 40;
  core.render(now);
  return core.model.podCount();
}

/** One frame 40 ms on: the pending pod breathes. */
export function renderOnce(): number {
  now = now + 40;
  core.render(now);
  return core.ma;
}

/** The next one-pod delta, decoded, applied and drawn. */
export function deltaOnce(): number {
  now = now + 40;
  core.receive(deltas[next], now);
  next = next + 1;
  core.render(now);
  return core.ma;
}
