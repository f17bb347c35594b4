// Replays a trace on the virtual target (VirtualBoard with a fake clock), printing the same text
// as harness.ts, so the virtual board is held to the same golden files as the device builds.
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import type { Trace } from './traces.ts';

export function replayVirtual(trace: Trace): string {
  let now = 0;
  let out = '';
  const board = new VirtualBoard({
    boardId: 'test',
    ledCount: trace.ledCount,
    settings: { brightness: 255, layout: trace.layout, currentCap: 0, stream: trace.stream },
    clock: () => now,
    onSend: (f) => {
      out += `up t=${now} ${Buffer.from(f).toString('hex')}\n`;
    },
  });
  for (const ev of trace.script.split(' ')) {
    const m = /^([ftsh])(\d+)(?::([0-9a-f]*))?$/.exec(ev);
    if (!m) throw new Error(`bad trace event ${ev}`);
    now = Number(m[2]);
    if (m[1] === 'f') board.receive(Buffer.from(m[3] ?? '', 'hex'));
    else if (m[1] === 't') board.tick();
    else if (m[1] === 'h') board.hello();
    else {
      board.render();
      out += `t=${now} ${Buffer.from(board.pixels).toString('hex')} ma=${board.core.ma}\n`;
    }
  }
  const s = board.stats;
  const md = board.core.model;
  return (
    out + `stats frames=${s.frames} applied=${s.applied} bad=${s.bad} dup=${s.duplicates} gaps=${s.gaps} ignored=${s.ignored} ` +
    `snapshots=${s.snapshots} badSnapshots=${s.badSnapshots} resyncs=${s.resyncs} pods=${md.podCount()} dropped=${md.stats.podsDropped} unknown=${md.stats.unknownPods}`
  );
}
