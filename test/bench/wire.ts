// `npm run bench:wire`: bytes on the wire for a realistic trace, podlights frames against the
// seed's scheme (one JSON {"action","pod","color"} HTTP POST per event), plus encode and decode
// throughput. The last line is `wire-ratio: N` (seed bytes / podlights bytes).
import {
  decode,
  encodeFrame,
  encodeSnapshot,
  HEALTH,
  LANE_KIND,
  LAYOUT,
  MSG,
  packFrames,
  POD_STATE,
} from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';
import { wireTrace } from './wire-trace.ts';
import type { TraceEvent } from './wire-trace.ts';

const BOARD = 'desk-1';
const TOPIC = `podlights/${BOARD}/frames`;
const HEARTBEAT_EVERY_MS = 5000;

/** MQTT 3.1.1 PUBLISH at QoS 0: fixed header (1 + remaining-length bytes), topic (2 + n), payload. */
function mqttPublishBytes(payload: number): number {
  const remaining = 2 + TOPIC.length + payload;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16384 ? 2 : 3;
  return 1 + lengthBytes + remaining;
}

/** The seed's agent call: a minimal HTTP/1.1 POST with a JSON body. */
function seedPostBytes(action: string, pod: string, color: string): number {
  const body = JSON.stringify({ action, pod, color });
  const head =
    `POST /pods HTTP/1.1\r\nHost: 10.0.0.12:8080\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return Buffer.byteLength(head) + Buffer.byteLength(body);
}

const STATE_CODE: Record<string, number> = {
  pending: POD_STATE.PENDING,
  creating: POD_STATE.CREATING,
  running: POD_STATE.RUNNING,
  'not-ready': POD_STATE.NOT_READY,
  terminating: POD_STATE.TERMINATING,
  'crash-loop': POD_STATE.CRASH_LOOP,
};

function run(): void {
  const steps = wireTrace();
  const handles = new Map<string, number>();
  const groups = new Map<string, number>();
  const free: number[] = [];
  let nextHandle = 0;
  let seq = 0;
  let frames = 0;
  let frameBytes = 0;
  let mqttBytes = 0;
  let seedBytes = 0;
  let seedEvents = 0;
  let messages = 0;
  const send = (list: Message[]): void => {
    for (const f of packFrames(list, { seq })) {
      seq = (seq + 1) & 0xffff;
      frames++;
      frameBytes += f.length;
      mqttBytes += mqttPublishBytes(f.length);
    }
    messages += list.length;
  };

  // The board boots: one snapshot with its config, lane, heartbeat (retained on MQTT).
  const snapshot = encodeSnapshot(
    [
      { type: MSG.CONFIG, brightness: 128, layout: LAYOUT.COMPACT, currentCap: 0, fps: 0 },
      { type: MSG.LANE, lane: 0, first: 0, count: 60, kind: LANE_KIND.CLUSTER, label: 'eu' },
      { type: MSG.CLUSTER, lane: 0, health: HEALTH.HEALTHY },
      { type: MSG.HEARTBEAT, timeoutMs: 15000 },
    ],
    { snapshot: 1, seq },
  );
  seq += snapshot.length;
  for (const f of snapshot) {
    frames++;
    frameBytes += f.length;
    mqttBytes += mqttPublishBytes(f.length);
  }

  let lastHeartbeat = 0;
  for (const step of steps) {
    while (step.atMs - lastHeartbeat >= HEARTBEAT_EVERY_MS) {
      lastHeartbeat += HEARTBEAT_EVERY_MS;
      send([{ type: MSG.HEARTBEAT, timeoutMs: 15000 }]);
    }
    const out: Message[] = [];
    for (const e of step.events as TraceEvent[]) {
      if (e.kind === 'group') {
        const id = groups.size;
        groups.set(e.color, id);
        const [r, g, b] = [0, 2, 4].map((i) => parseInt(e.color.slice(i, i + 2), 16));
        out.push({ type: MSG.GROUP, group: id, r, g, b, flags: e.newRevision ? 1 : 0 });
      } else if (e.kind === 'rollout') {
        out.push({ type: MSG.ROLLOUT, rollout: 0, lane: 0, group: groups.size - 1, ...e });
      } else if (e.kind === 'add') {
        const h = free.pop() ?? nextHandle++;
        handles.set(e.pod, h);
        out.push({ type: MSG.POD_ADD, pod: h, lane: 0, group: groups.get(e.color)!, state: STATE_CODE[e.state] });
        seedBytes += seedPostBytes('add', e.pod, e.color);
        seedEvents++;
      } else if (e.kind === 'state') {
        out.push({ type: MSG.POD_STATE, pod: handles.get(e.pod)!, state: STATE_CODE[e.state] });
        seedBytes += seedPostBytes(e.state, e.pod, e.color);
        seedEvents++;
      } else {
        const h = handles.get(e.pod)!;
        handles.delete(e.pod);
        free.push(h);
        out.push({ type: MSG.POD_DEL, pod: h });
        seedBytes += seedPostBytes('remove', e.pod, e.color);
        seedEvents++;
      }
    }
    send(out);
  }
  const duration = steps[steps.length - 1].atMs;
  console.log(`trace: ${steps.length} steps over ${(duration / 1000).toFixed(1)} s, ${seedEvents} pod events`);
  console.log(`seed scheme: ${seedEvents} HTTP POSTs, ${seedBytes} bytes (body + minimal request headers)`);
  console.log(`podlights: ${frames} frames, ${messages} messages (incl. heartbeats, rollout progress, snapshot)`);
  console.log(`podlights frames: ${frameBytes} bytes; with MQTT PUBLISH headers (topic ${TOPIC}): ${mqttBytes} bytes`);
  console.log(`bytes per pod event: seed ${(seedBytes / seedEvents).toFixed(1)}, podlights ${(mqttBytes / seedEvents).toFixed(1)} (with MQTT)`);

  // Throughput: frames of 100 mixed delta messages, encoded and decoded repeatedly.
  const batch: Message[] = Array.from({ length: 100 }, (_, i) =>
    i % 3 === 0
      ? { type: MSG.POD_ADD, pod: i, lane: 0, group: 1, state: POD_STATE.PENDING }
      : i % 3 === 1
        ? { type: MSG.POD_STATE, pod: i, state: POD_STATE.RUNNING }
        : { type: MSG.POD_DEL, pod: i },
  );
  const time = (label: string, fn: () => void): number => {
    for (let i = 0; i < 200; i++) fn(); // warm up
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 1e9) {
      for (let i = 0; i < 100; i++) fn();
      n += 100;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    const rate = (n * batch.length) / (elapsed / 1e9);
    console.log(`${label}: ${Math.round(rate).toLocaleString('en')} messages/s`);
    return rate;
  };
  const frame = encodeFrame({ flags: 0, seq: 1, messages: batch });
  time('encode', () => encodeFrame({ flags: 0, seq: 1, messages: batch }));
  time('decode', () => {
    const r = decode(frame);
    if (!r.ok) throw new Error(r.reason);
  });
  console.log(`wire-ratio (frames only, without MQTT headers): ${(seedBytes / frameBytes).toFixed(2)}`);
  console.log(`wire-ratio: ${(seedBytes / mqttBytes).toFixed(2)}`);
}

run();
