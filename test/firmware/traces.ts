// The conformance traces: what a bridge would send in the stories the issue names, with the
// times the strip is sampled. Each trace becomes the harness's text format (harness.ts) and is
// replayed on every runtime; golden/<name>.txt holds the expected pixels with ASCII renderings.
import { encodeFrame, encodeSnapshot, HEALTH, LAYOUT, MSG, POD_STATE } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';

const S = POD_STATE;

export interface Trace {
  name: string;
  /** What a reviewer should see in the golden file. */
  story: string;
  ledCount: number;
  layout: number;
  stream: boolean;
  script: string;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

class Builder {
  private events: { t: number; n: number; text: string }[] = [];
  seq = 100;
  private snap = 0;

  private add(t: number, text: string): void {
    this.events.push({ t, n: this.events.length, text });
  }
  snapshot(t: number, state: Message[], maxFrame = 1024): this {
    const frames = encodeSnapshot(state, { seq: this.seq, snapshot: ++this.snap, maxFrame });
    for (const f of frames) this.add(t, `f${t}:${hex(f)}`);
    this.seq = (this.seq + frames.length) & 0xffff;
    return this;
  }
  delta(t: number, ...messages: Message[]): this {
    this.add(t, `f${t}:${hex(encodeFrame({ flags: 0, seq: this.seq, messages }))}`);
    this.seq = (this.seq + 1) & 0xffff;
    return this;
  }
  /** A delta sent with a given seq (duplicates, gaps). */
  deltaAt(t: number, seq: number, ...messages: Message[]): this {
    this.add(t, `f${t}:${hex(encodeFrame({ flags: 0, seq, messages }))}`);
    return this;
  }
  raw(t: number, bytes: Uint8Array): this {
    this.add(t, `f${t}:${hex(bytes)}`);
    return this;
  }
  hello(t: number): this {
    this.add(t, `h${t}`);
    return this;
  }
  samples(from: number, to: number, step: number): this {
    for (let t = from; t <= to; t += step) this.add(t, `s${t}`);
    return this;
  }
  build(name: string, story: string, opts: { ledCount?: number; layout?: number; stream?: boolean } = {}): Trace {
    const end = Math.max(...this.events.map((e) => e.t));
    for (let t = 0; t <= end; t += 100) this.add(t, `t${t}`);
    const script = this.events
      .sort((a, b) => a.t - b.t || a.n - b.n)
      .map((e) => e.text)
      .join(' ');
    return { name, story, ledCount: opts.ledCount ?? 60, layout: opts.layout ?? LAYOUT.COMPACT, stream: opts.stream ?? false, script };
  }
}

const lane = (id: number, first: number, count: number, label = `lane-${id}`): Message => ({ type: MSG.LANE, lane: id, first, count, kind: 0, label });
const group = (id: number, rgb: number, flags = 0): Message => ({ type: MSG.GROUP, group: id, r: rgb >> 16, g: (rgb >> 8) & 255, b: rgb & 255, flags });
const add = (pod: number, state: number, grp = 0, ln = 0): Message => ({ type: MSG.POD_ADD, pod, lane: ln, group: grp, state });
const set = (pod: number, state: number): Message => ({ type: MSG.POD_STATE, pod, state });
const del = (pod: number): Message => ({ type: MSG.POD_DEL, pod });
const config = (brightness: number, layout: number, currentCap = 0, fps = 0): Message => ({ type: MSG.CONFIG, brightness, layout, currentCap, fps });
const cluster = (ln: number, health: number): Message => ({ type: MSG.CLUSTER, lane: ln, health });
const heartbeat = (timeoutMs: number): Message => ({ type: MSG.HEARTBEAT, timeoutMs });
const rollout = (id: number, ln: number, grp: number, desired: number, updated: number, ready: number, available: number): Message => ({
  type: MSG.ROLLOUT, rollout: id, lane: ln, group: grp, desired, updated, ready, available,
});

const BLUE = 0x0050ff;
const GREEN = 0x00ff40;
const YELLOW = 0xffff00;

function scale(): Trace {
  const b = new Builder().hello(0).samples(0, 0, 1).snapshot(100, [config(255, LAYOUT.COMPACT), lane(0, 0, 16), group(0, YELLOW)]);
  for (let i = 0; i < 12; i++) b.delta(500 + i * 100, add(i, S.PENDING));
  for (let i = 0; i < 12; i++) b.delta(2000 + i * 50, set(i, S.CREATING));
  for (let i = 0; i < 12; i++) b.delta(3000 + i * 50, set(i, S.RUNNING));
  for (let i = 3; i < 12; i++) b.delta(5000, set(i, S.TERMINATING));
  for (let i = 3; i < 12; i++) b.delta(6500 + (i - 3) * 100, del(i));
  return b.samples(300, 8500, 400).build('scale-0-12-3', 'scale from 0 to 12 (pending, creating, running) and back to 3 (terminating fades, deletes flash red, the gap closes)', { ledCount: 16 });
}

function rolling(): Trace {
  const b = new Builder().snapshot(0, [config(255, LAYOUT.GROUPED), lane(0, 0, 12), group(1, BLUE), group(2, GREEN, 1), ...[0, 1, 2, 3].map((i) => add(i, S.RUNNING, 1))]);
  b.delta(500, rollout(1, 0, 2, 4, 0, 0, 4));
  // maxSurge 1, maxUnavailable 0: one new pod, ready, then one old pod goes.
  for (let k = 0; k < 4; k++) {
    const t = 1000 + k * 1500;
    b.delta(t, add(10 + k, S.CREATING, 2), rollout(1, 0, 2, 4, k + 1, k, 4));
    b.delta(t + 500, set(10 + k, S.NOT_READY));
    b.delta(t + 900, set(10 + k, S.RUNNING), rollout(1, 0, 2, 4, k + 1, k + 1, 4), set(k, S.TERMINATING));
    b.delta(t + 1300, del(k));
  }
  b.delta(7200, rollout(1, 0, 2, 4, 4, 4, 4));
  return b.samples(0, 7600, 300).build('rolling-update', 'rolling update of 4 blue pods to green with maxSurge 1 (grouped layout): the green share grows, the white progress cursor walks right, then disappears', { ledCount: 12 });
}

function recreate(): Trace {
  const b = new Builder().snapshot(0, [config(255, LAYOUT.COMPACT), lane(0, 0, 10), group(1, BLUE), group(2, GREEN, 1), ...[0, 1, 2].map((i) => add(i, S.RUNNING, 1))]);
  b.delta(500, set(0, S.TERMINATING), set(1, S.TERMINATING), set(2, S.TERMINATING), rollout(1, 0, 2, 3, 0, 0, 0));
  b.delta(2000, del(0), del(1), del(2));
  b.delta(3000, add(10, S.PENDING, 2), add(11, S.PENDING, 2), add(12, S.PENDING, 2), rollout(1, 0, 2, 3, 3, 0, 0));
  b.delta(4000, set(10, S.RUNNING), set(11, S.CREATING), set(12, S.RUNNING), rollout(1, 0, 2, 3, 3, 2, 2));
  b.delta(5000, set(11, S.RUNNING), rollout(1, 0, 2, 3, 3, 3, 3));
  return b.samples(0, 5600, 400).build('recreate', 'recreate strategy: all blue pods fade and go (the lane is dark), then green pods come up', { ledCount: 10 });
}

function crashLoop(): Trace {
  const b = new Builder().snapshot(0, [config(255, LAYOUT.STABLE), lane(0, 0, 8), group(0, GREEN), ...[0, 1, 2].map((i) => add(i, S.RUNNING))]);
  b.delta(1000, set(1, S.FAILED));
  b.delta(2000, set(1, S.CRASH_LOOP));
  b.delta(3500, set(1, S.NOT_READY));
  b.delta(4000, set(1, S.CRASH_LOOP), set(2, S.FAILED));
  b.delta(5000, del(0));
  b.delta(6000, add(3, S.RUNNING));
  return b.samples(0, 6500, 150).build('crash-loop', 'a pod fails, crash-loops (red/green), recovers for a moment, loops again; stable layout: the deleted pod leaves a hole that the next pod takes', { ledCount: 8 });
}

function failover(): Trace {
  const b = new Builder().snapshot(0, [
    config(255, LAYOUT.COMPACT),
    lane(0, 0, 10, 'eu'),
    lane(1, 10, 10, 'us'),
    group(1, BLUE),
    group(2, YELLOW),
    ...[0, 1, 2, 3].map((i) => add(i, S.RUNNING, 1, 0)),
    ...[10, 11].map((i) => add(i, S.RUNNING, 2, 1)),
  ]);
  b.delta(1000, set(0, S.FAILED), set(1, S.FAILED), cluster(0, HEALTH.DEGRADED));
  b.delta(2000, cluster(0, HEALTH.UNREACHABLE));
  b.delta(2500, add(12, S.CREATING, 2, 1), add(13, S.CREATING, 2, 1));
  b.delta(3500, set(12, S.RUNNING), set(13, S.RUNNING));
  b.delta(6000, cluster(0, HEALTH.DEGRADED), set(0, S.RUNNING), set(1, S.NOT_READY));
  b.delta(7000, cluster(0, HEALTH.HEALTHY), set(1, S.RUNNING), set(12, S.TERMINATING), set(13, S.TERMINATING));
  b.delta(8500, del(12), del(13));
  return b.samples(0, 9500, 500).build('failover', 'two clusters (eu, us): eu degrades and becomes unreachable (dark red), us scales up; eu comes back, us scales down', { ledCount: 20 });
}

function overflow(): Trace {
  const pods: Message[] = [];
  for (let i = 0; i < 200; i++) pods.push(add(i, i % 37 === 5 ? S.FAILED : S.RUNNING, i < 120 ? 1 : 2));
  const b = new Builder().snapshot(0, [config(160, LAYOUT.GROUPED, 400), lane(0, 0, 60), group(1, BLUE), group(2, GREEN), ...pods], 512);
  b.delta(1000, ...[0, 1, 2, 3, 4, 6, 7, 8].map(del));
  b.delta(2000, ...[200, 201, 202].map((i) => add(i, S.PENDING, 2)));
  return b.samples(0, 3000, 500).build('overflow-200-on-60', '200 pods on 60 LEDs: each LED stands for ~3-4 pods (majority colour, failures win), the last LED pulses magenta to say so; brightness 160 and a 400 mA cap', { layout: LAYOUT.GROUPED });
}

function stale(): Trace {
  const b = new Builder().snapshot(0, [config(255, LAYOUT.COMPACT), lane(0, 0, 8), group(0, BLUE), add(0, S.RUNNING), add(1, S.RUNNING), heartbeat(3000)]);
  b.delta(1000, heartbeat(3000));
  // ... then nothing until 7000: stale from 4000 on.
  b.delta(7000, heartbeat(3000), add(2, S.RUNNING));
  return b.samples(0, 8000, 500).build('stale-link', 'heartbeats stop: after 3 s everything dims and LED 0 blinks amber; frames return and it clears', { ledCount: 8 });
}

function gap(): Trace {
  const b = new Builder().hello(0);
  b.deltaAt(300, 5, add(9, S.RUNNING)); // before any snapshot: ignored, BOOT resync (rate-limited)
  b.snapshot(500, [config(255, LAYOUT.COMPACT), lane(0, 0, 8), group(0, GREEN), add(0, S.RUNNING)]);
  b.delta(1000, add(1, S.RUNNING));
  b.deltaAt(1200, b.seq - 1, add(5, S.RUNNING)); // duplicate: ignored
  b.seq += 2; // two frames lost
  b.delta(1500, add(2, S.RUNNING)); // gap: not applied, RESYNC(GAP)
  b.raw(1600, Uint8Array.from([0x50, 0x4c, 1, 0, 0, 1, 0, 0])); // bad CRC
  b.delta(2000, add(3, S.RUNNING)); // still a gap
  b.snapshot(4000, [config(255, LAYOUT.COMPACT), lane(0, 0, 8), group(0, GREEN), add(0, S.RUNNING), add(1, S.RUNNING), add(2, S.RUNNING), add(3, S.RUNNING)]);
  b.delta(4500, add(4, S.PENDING));
  return b.samples(0, 5000, 500).build('gap-resync', 'boot (LED 0 breathes blue), a duplicate and a gap: the gap is not applied and a RESYNC goes up (see the up lines), the new snapshot fixes the strip', { ledCount: 8 });
}

export function traces(): Trace[] {
  return [scale(), rolling(), recreate(), crashLoop(), failover(), overflow(), stale(), gap()];
}
