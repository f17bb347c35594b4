// Pods added by a delta are placed one by one (render.ts place) instead of laying out the whole
// strip again: the pixels must be those of a full layout. Two boards take the same random frames
// (adds of new and known handles, state changes, deletes and their purge, in three lanes, one of
// them aggregating, one unreachable, one overlapping another, in every layout); the second is made
// to lay everything out again before each frame. Every frame's bytes must agree.
import t from 'tap';
import { Core } from '../../firmware/core/core.ts';
import type { Settings } from '../../firmware/core/settings.ts';
import { encodeFrame, encodeSnapshot, HEALTH, LAYOUT, MSG, POD_STATE } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';

const LEDS = 40;
const bin = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function board(layout: number): { core: Core; pixels: Uint8Array } {
  const pixels = new Uint8Array(LEDS * 3);
  const settings: Settings = { boardId: 'b', profile: 'p', ledCount: LEDS, maxFrame: 1024, brightness: 200, layout, currentCap: 0, maPerChannel: 20, fps: 1000, stream: false };
  const strip = {
    set: (i: number, r: number, g: number, b: number) => {
      pixels[i * 3] = r;
      pixels[i * 3 + 1] = g;
      pixels[i * 3 + 2] = b;
    },
    show: () => {},
  };
  return { core: new Core(settings, strip, () => {}, 0), pixels };
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n: number) => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return (((x ^ (x >>> 14)) >>> 0) % n);
  };
}

const STATES = [POD_STATE.RUNNING, POD_STATE.RUNNING, POD_STATE.PENDING, POD_STATE.SUCCEEDED, POD_STATE.FAILED, POD_STATE.TERMINATING];

for (const layout of [LAYOUT.COMPACT, LAYOUT.GROUPED, LAYOUT.STABLE]) {
  t.test(`layout ${layout}: pods placed one by one light what a full layout lights`, async (t) => {
    for (let seed = 1; seed <= 12; seed++) {
      const rnd = random(seed * 7919 + layout);
      const a = board(layout);
      const b = board(layout);
      const state: Message[] = [
        { type: MSG.LANE, lane: 0, first: 0, count: 16, kind: 0, label: 'wide' },
        { type: MSG.LANE, lane: 1, first: 16, count: 6, kind: 0, label: 'narrow' },
        { type: MSG.LANE, lane: 2, first: 20, count: 20, kind: 0, label: 'overlaps narrow' },
        { type: MSG.LANE, lane: 3, first: 30, count: 4, kind: 0, label: 'unreachable' },
        { type: MSG.CLUSTER, lane: 3, health: HEALTH.UNREACHABLE },
      ];
      for (let g = 0; g < 4; g++) state.push({ type: MSG.GROUP, group: g, r: 60 * g, g: 200 - 40 * g, b: 30 + 50 * g, flags: 0 });
      const live = new Set<number>();
      for (let p = 0; p < 5; p++) {
        state.push({ type: MSG.POD_ADD, pod: p, lane: p % 4, group: p % 4, state: POD_STATE.RUNNING });
        live.add(p);
      }
      let seq = 1;
      let now = 1000;
      for (const f of encodeSnapshot(state, { seq, snapshot: seed, maxFrame: 1024 })) {
        a.core.receive(bin(f), now);
        b.core.receive(bin(f), now);
        seq++;
      }
      let next = 5;
      for (let step = 0; step < 80; step++) {
        const messages: Message[] = [];
        for (let k = 1 + rnd(3); k > 0; k--) {
          const roll = rnd(10);
          const known = [...live];
          if (roll < 5 || known.length === 0) {
            // A new pod (lanes 0-3, or 5: never described), now and then a known handle again.
            const pod = roll === 0 && known.length > 0 ? known[rnd(known.length)] : next++;
            const lane = rnd(6) === 5 ? 5 : rnd(4);
            messages.push({ type: MSG.POD_ADD, pod, lane, group: rnd(4), state: STATES[rnd(STATES.length)] });
            live.add(pod);
          } else if (roll < 8) {
            messages.push({ type: MSG.POD_STATE, pod: known[rnd(known.length)], state: STATES[rnd(STATES.length)] });
          } else {
            const pod = known[rnd(known.length)];
            messages.push({ type: MSG.POD_DEL, pod });
            live.delete(pod);
          }
        }
        now += 50 + rnd(400);
        const f = bin(encodeFrame({ flags: 0, seq: seq++, messages }));
        a.core.receive(f, now);
        b.core.receive(f, now);
        a.core.render(now);
        b.core.model.relayout = true;
        b.core.render(now);
        if (Buffer.compare(a.pixels, b.pixels) !== 0) {
          t.fail(`seed ${seed} step ${step}: the pixels differ from a full layout's`);
          return;
        }
      }
    }
    t.pass('every frame agrees');
  });
}
