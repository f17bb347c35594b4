// Replays a conformance trace (test/firmware/traces.ts) on a LocalBoard, with a fake clock, and
// calls `sample` at every sample point with the board's pixels: what the golden files hold.
import { LocalBoard } from '../../bridge/local/board.ts';
import type { PixelSink } from '../../bridge/local/sink.ts';
import type { Trace } from '../firmware/traces.ts';

export function replayLocal(trace: Trace, sinks: PixelSink[], sample: (t: number, board: LocalBoard) => void, beforeSample?: () => void): LocalBoard {
  let now = 0;
  const board = new LocalBoard({
    boardId: 'local-test',
    profile: 'rpi-blinkt',
    ledCount: trace.ledCount,
    sinks,
    settings: { brightness: 255, layout: trace.layout, currentCap: 0, stream: trace.stream },
    clock: () => now,
    onSend: () => {},
  });
  for (const ev of trace.script.split(' ')) {
    const m = /^([ftsh])(\d+)(?::([0-9a-f]*))?$/.exec(ev);
    if (!m) throw new Error(`bad trace event ${ev}`);
    now = Number(m[2]);
    if (m[1] === 'f') board.receive(Buffer.from(m[3] ?? '', 'hex'));
    else if (m[1] === 't') board.board.tick();
    else if (m[1] === 'h') board.board.hello();
    else {
      // Renders between samples (animation ticks) went to the sinks too; the sample is the next one.
      beforeSample?.();
      board.board.render();
      sample(now, board);
    }
  }
  return board;
}

/** The golden pixels of a trace: sample time to hex. */
export function goldenSamples(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^t=(\d+) ([0-9a-f]*) ma=/.exec(line);
    if (m) out.set(Number(m[1]), m[2]);
  }
  return out;
}
