// What the bridge accepts from a board's HELLO, and what it may send that board. Every field of
// a HELLO comes from the network, so each is checked before a session is built from it (a
// maxFrame below the protocol minimum once crashed the bridge), and SPEC section 4 says the
// bridge must not rely on what a board did not announce: messages and layouts outside its caps
// are left out of what it is sent.
import { CAP, LAYOUT, MIN_MAX_FRAME, MSG, PROTOCOL_VERSION } from '../../protocol/index.ts';
import type { Hello, Message } from '../../protocol/index.ts';

/** More LEDs than any strip one board drives at a usable frame rate; above it a HELLO is wrong. */
export const MAX_LEDS = 4096;
/** A frame is at most this long on any transport (the length fields are 16-bit). */
export const MAX_FRAME_LIMIT = 65535;

/** Why a HELLO cannot be served, or undefined when it can. */
export function helloProblem(hello: Hello): string | undefined {
  if (!(hello.protoMin <= PROTOCOL_VERSION && PROTOCOL_VERSION <= hello.protoMax)) {
    return `speaks protocol ${hello.protoMin}..${hello.protoMax}, this bridge speaks ${PROTOCOL_VERSION}`;
  }
  if (!(hello.ledCount >= 1 && hello.ledCount <= MAX_LEDS)) return `ledCount ${hello.ledCount} is outside 1..${MAX_LEDS}`;
  if (!(hello.maxFrame >= MIN_MAX_FRAME && hello.maxFrame <= MAX_FRAME_LIMIT)) {
    return `maxFrame ${hello.maxFrame} is outside ${MIN_MAX_FRAME}..${MAX_FRAME_LIMIT} (the protocol minimum is ${MIN_MAX_FRAME})`;
  }
  return undefined;
}

/** Every capability: for boards known from the configuration before they said HELLO. */
export const ALL_CAPS = 0xffff;

/**
 * The messages a board with `caps` can use: no ROLLOUT without ROLLOUT, no CLUSTER without
 * CLUSTER_HEALTH, and a layout it did not announce falls back to compact (which every board
 * has). Returns the same array when nothing had to change.
 */
export function forCaps(messages: Message[], caps: number): Message[] {
  const rollout = (caps & CAP.ROLLOUT) !== 0;
  const health = (caps & CAP.CLUSTER_HEALTH) !== 0;
  const grouped = (caps & CAP.LAYOUT_GROUPED) !== 0;
  const stable = (caps & CAP.LAYOUT_STABLE) !== 0;
  if (rollout && health && grouped && stable) return messages;
  const out: Message[] = [];
  for (const m of messages) {
    if (m.type === MSG.ROLLOUT && !rollout) continue;
    if (m.type === MSG.CLUSTER && !health) continue;
    if (m.type === MSG.CONFIG && ((m.layout === LAYOUT.GROUPED && !grouped) || (m.layout === LAYOUT.STABLE && !stable))) {
      out.push({ ...m, layout: LAYOUT.COMPACT });
      continue;
    }
    out.push(m);
  }
  return out;
}
