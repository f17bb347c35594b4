// The story the NodeMCU device tests play (a snapshot of 12 pods in two groups, then a live
// frame), and the virtual board's pixels for it in GRB order at the times the device renders:
// T.step(20), snapshot, T.step(100), pixels, live frame, T.step(1000), pixels, T.step(50), pixels.
import type { BoardProfile } from '../../boards/index.ts';
import { encodeFrame, encodeSnapshot, MSG, POD_STATE, streamFrame } from '../../protocol/index.ts';
import { luaString } from '../helpers/lua.ts';
import type { Message } from '../../protocol/index.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';

export const hex = (b: Uint8Array | Uint8Array[]) => Buffer.concat(Array.isArray(b) ? b : [b]).toString('hex');

export interface Story {
  snapshot: Uint8Array[];
  delta: Uint8Array;
}

export function story(): Story {
  const snapshot = encodeSnapshot(
    [
      { type: MSG.LANE, lane: 0, first: 0, count: 60, kind: 0, label: 'node-1' },
      { type: MSG.GROUP, group: 0, r: 255, g: 40, b: 0, flags: 0 },
      { type: MSG.GROUP, group: 1, r: 0, g: 80, b: 255, flags: 0 },
      ...Array.from({ length: 12 }, (_, i): Message => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: i % 2, state: POD_STATE.RUNNING })),
    ],
    { seq: 1, snapshot: 1 },
  );
  const delta = encodeFrame({
    flags: 0,
    seq: 1 + snapshot.length,
    messages: [
      { type: MSG.POD_STATE, pod: 3, state: POD_STATE.NOT_READY },
      { type: MSG.POD_ADD, pod: 40, lane: 0, group: 1, state: POD_STATE.PENDING },
    ],
  });
  return { snapshot, delta };
}

/** The virtual board's pixels in GRB order at the times the device renders. */
export function expected(board: BoardProfile, s: Story): string[] {
  let now = 0;
  const v = new VirtualBoard({
    boardId: 'v',
    ledCount: board.ledCount,
    settings: { brightness: board.brightness ?? 96, currentCap: board.currentCap, fps: board.fps },
    clock: () => now,
  });
  const grb = () => {
    v.render();
    const out: number[] = [];
    for (let i = 0; i < board.ledCount; i++) out.push(v.pixels[i * 3 + 1], v.pixels[i * 3], v.pixels[i * 3 + 2]);
    return Buffer.from(out).toString('hex');
  };
  now = 20;
  for (const f of s.snapshot) v.receive(f);
  now = 120;
  const a = grb();
  v.receive(s.delta);
  now = 1120;
  const b = grb();
  now = 1170;
  return [a, b, grb()];
}


/** The stand-in calls of an MQTT board up to the live frame: boot log, first tick, connect, snapshot, pixels, live frame. */
export function mqttCalls(base: string, s: Story): string[] {
  return [
    'T.log()',
    'T.step(20)',
    'T.log()',
    'T.accept()',
    'T.log()',
    `T.message(${luaString(base + 'snapshot')}, ${luaString(hex(s.snapshot.map(streamFrame)))})`,
    'T.step(100)',
    'T.pixels()',
    `T.message(${luaString(base + 'frames')}, ${luaString(hex(s.delta))})`,
  ];
}
