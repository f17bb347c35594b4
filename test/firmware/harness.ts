// Conformance harness, compiled into the Lua and Espruino test bundles *and* run by Node: it
// replays a trace (frames at times, samples, ticks) through firmware/core with a recording strip
// and prints the pixels at each sample, the upstream frames and the counters in one canonical
// text form. Same source on every runtime, so equal text means byte-identical LED frames.
// Trace format, events separated by spaces: `f<ms>:<hex>` a frame arrives, `t<ms>` the HAL's timer
// ticks, `s<ms>` sample the strip (forced render), `h<ms>` the HAL says hello (boot, connect).
// Portable subset.
import { Core } from '../../firmware/core/core.ts';
import type { Strip } from '../../firmware/core/output.ts';
import type { Settings } from '../../firmware/core/settings.ts';
import { bytesToBinaryString, encodeFrameBytes } from '../../protocol/codec/encoder.ts';
import { FLAG, MSG } from '../../protocol/codec/types.ts';
import type { Message } from '../../protocol/codec/types.ts';

const DIGITS = '0123456789abcdef';

function hexOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out = out + DIGITS.charAt(Math.floor(c / 16)) + DIGITS.charAt(c % 16);
  }
  return out;
}

function nibble(c: number): number {
  return c >= 97 ? c - 87 : c - 48;
}

function unhex(hex: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i + 1 < to; i = i + 2) s = s + String.fromCharCode(nibble(hex.charCodeAt(i)) * 16 + nibble(hex.charCodeAt(i + 1)));
  return s;
}

/** Replays `trace` on a board with `ledCount` LEDs and the given default layout. */
export function replay(trace: string, ledCount: number, layout: number, stream: boolean): string {
  const px: number[] = [];
  for (let i = 0; i < ledCount * 3; i++) px.push(0);
  const strip: Strip = {
    set: (i: number, r: number, g: number, b: number) => {
      px[i * 3] = r;
      px[i * 3 + 1] = g;
      px[i * 3 + 2] = b;
    },
    show: () => {},
  };
  let out = '';
  let now = 0;
  const settings: Settings = {
    boardId: 'test',
    profile: 'virtual-60',
    ledCount: ledCount,
    maxFrame: 1024,
    brightness: 255,
    layout: layout,
    currentCap: 0,
    maPerChannel: 20,
    fps: 30,
    stream: stream,
  };
  const core = new Core(settings, strip, (f: string) => {
    out = out + 'up t=' + now + ' ' + hexOf(f) + '\n';
  }, 0);
  let at = 0;
  while (at < trace.length) {
    let end = at;
    while (end < trace.length && trace.charCodeAt(end) !== 32) end = end + 1;
    const kind = trace.charCodeAt(at);
    let t = 0;
    let k = at + 1;
    while (k < end && trace.charCodeAt(k) >= 48 && trace.charCodeAt(k) <= 57) {
      t = t * 10 + trace.charCodeAt(k) - 48;
      k = k + 1;
    }
    now = t;
    if (kind === 102) core.receive(unhex(trace, k + 1, end), t);
    else if (kind === 116) core.tick(t);
    else if (kind === 104) core.hello(t);
    else if (kind === 115) {
      core.render(t);
      let line = 't=' + t + ' ';
      for (let i = 0; i < px.length; i++) line = line + DIGITS.charAt(Math.floor(px[i] / 16)) + DIGITS.charAt(px[i] % 16);
      out = out + line + ' ma=' + core.ma + '\n';
    }
    at = end + 1;
  }
  const s = core.stats;
  return (
    out + 'stats frames=' + s.frames + ' applied=' + s.applied + ' bad=' + s.bad + ' dup=' + s.duplicates + ' gaps=' + s.gaps +
    ' ignored=' + s.ignored + ' snapshots=' + s.snapshots + ' badSnapshots=' + s.badSnapshots + ' resyncs=' + s.resyncs +
    ' pods=' + core.model.podCount() + ' dropped=' + core.model.stats.podsDropped + ' unknown=' + core.model.stats.unknownPods
  );
}

/**
 * Feeds frames (hex, space separated) 37 ms apart into a 60-LED board, rendering after each, and
 * prints a checksum of everything drawn and the counters: the fuzz corpus must neither crash
 * nor hang any runtime, and every runtime must draw the same.
 */
export function fuzz(frames: string): string {
  let sum = 0;
  const strip: Strip = {
    set: (i: number, r: number, g: number, b: number) => {
      sum = (sum * 31 + i + r * 7 + g * 11 + b * 13) % 1000003;
    },
    show: () => {},
  };
  const settings: Settings = {
    boardId: 'fuzz',
    profile: 'virtual-60',
    ledCount: 60,
    maxFrame: 1024,
    brightness: 200,
    layout: 0,
    currentCap: 900,
    maPerChannel: 20,
    fps: 30,
    stream: false,
  };
  let ups = 0;
  const core = new Core(settings, strip, (_f: string) => {
    ups = ups + 1;
  }, 0);
  let at = 0;
  let now = 0;
  while (at < frames.length) {
    let end = at;
    while (end < frames.length && frames.charCodeAt(end) !== 32) end = end + 1;
    now = now + 37;
    core.receive(unhex(frames, at, end), now);
    core.tick(now);
    core.render(now);
    at = end + 1;
  }
  const s = core.stats;
  return 'fuzz sum=' + sum + ' ups=' + ups + ' frames=' + s.frames + ' applied=' + s.applied + ' bad=' + s.bad + ' snapshots=' + s.snapshots + ' pods=' + core.model.podCount();
}

/** One snapshot frame (binary string) holding `pods` running pods in one lane (bench). */
export function snapshotFrame(pods: number): string {
  const msgs: Message[] = [{ type: MSG.SNAPSHOT_BEGIN, snapshot: 1, frames: 1 }];
  msgs.push({ type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'node-1' });
  msgs.push({ type: MSG.GROUP, group: 0, r: 0, g: 80, b: 255, flags: 0 });
  for (let i = 0; i < pods; i++) msgs.push({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: 2 });
  msgs.push({ type: MSG.SNAPSHOT_END, snapshot: 1, messages: pods + 2 });
  return bytesToBinaryString(encodeFrameBytes({ flags: FLAG.SNAPSHOT, seq: 1, messages: msgs }).bytes);
}

/** A 60-LED board that sends nowhere and drives no strip (benchmarks). */
export function quietBoard(maxFrame: number): Core {
  const strip: Strip = { set: (_i: number, _r: number, _g: number, _b: number) => {}, show: () => {} };
  const settings: Settings = {
    boardId: 'bench',
    profile: 'virtual-60',
    ledCount: 60,
    maxFrame: maxFrame,
    brightness: 96,
    layout: 0,
    currentCap: 1500,
    maPerChannel: 20,
    fps: 30,
    stream: false,
  };
  return new Core(settings, strip, (_f: string) => {}, 0);
}

/** A 60-LED board that took `frame` (see snapshotFrame) and rendered once (memory budgets, bench). */
export function boardWith(frame: string): Core {
  const core = quietBoard(1024);
  core.receive(frame, 10);
  core.render(20);
  return core;
}

/** A 60-LED board holding `pods` running pods from one snapshot. */
export function loaded(pods: number): Core {
  return boardWith(snapshotFrame(pods));
}
