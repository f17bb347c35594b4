// Frames and event recorders shared by the transport tests.
import { CAP, FLAG, MSG, RESYNC_REASON, encodeFrame, packFrames, encodeSnapshot } from '../../../protocol/index.ts';
import type { Hello, Resync } from '../../../protocol/index.ts';
import type { Transport, TransportEvents } from '../../../bridge/transports/types.ts';

export function helloFrame(boardId: string, seq = 0, ledCount = 60): Uint8Array {
  return encodeFrame({
    flags: FLAG.UPSTREAM,
    seq,
    messages: [
      { type: MSG.HELLO, boardId, profile: 'test', firmware: '0.0.1', protoMin: 1, protoMax: 1, ledCount, maxFrame: 1024, caps: CAP.ANIMATIONS },
    ],
  });
}

export function resyncFrame(lastSeq = 0, reason = RESYNC_REASON.GAP): Uint8Array {
  return encodeFrame({ flags: FLAG.UPSTREAM, seq: 1, messages: [{ type: MSG.RESYNC, lastSeq, reason }] });
}

/** `count` delta frames, one POD_STATE each, pod = index, consecutive seq from `seq`. */
export function deltas(count: number, seq = 100): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    out.push(...packFrames([{ type: MSG.POD_STATE, pod: i, state: 2 }], { seq: (seq + i) & 0xffff }));
  }
  return out;
}

/** A snapshot with `pods` POD_ADDs (several frames when large). */
export function snapshot(pods: number, seq = 10, maxFrame = 1024): Uint8Array[] {
  const messages = [];
  for (let i = 0; i < pods; i++) messages.push({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: 2 } as const);
  return encodeSnapshot(messages, { snapshot: 1, seq, maxFrame });
}

export interface Recorded {
  hellos: { boardId: string; hello: Hello; via: string }[];
  resyncs: { boardId: string; resync: Resync }[];
  gone: string[];
}

export function recorder(): { events: TransportEvents; seen: Recorded } {
  const seen: Recorded = { hellos: [], resyncs: [], gone: [] };
  const events: TransportEvents = {
    hello: (boardId, hello, via: Transport) => void seen.hellos.push({ boardId, hello, via: via.name }),
    resync: (boardId, resync) => void seen.resyncs.push({ boardId, resync }),
    gone: (boardId) => void seen.gone.push(boardId),
  };
  return { events, seen };
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
