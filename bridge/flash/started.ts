// Watching a board's console for the firmware to come up: MQTT boards print
// `podlights-fw/<version> <board id>` when they start, serial boards say HELLO (a COBS frame).
import type { SerialPort } from 'serialport';
import { helloReader } from './hello.ts';
import { FlashError } from './errors.ts';

export interface Started {
  boardId: string;
  /** What the board said, for the summary line. */
  said: string;
}

/** Resolves when the firmware shows itself on the port (optionally with this board id), else throws after timeoutMs. */
export function waitForStart(port: SerialPort, boardId: string | undefined, timeoutMs: number): Promise<Started> {
  let text = '';
  return new Promise<Started>((resolve, reject) => {
    const done = (r: Started | Error) => {
      clearTimeout(timer);
      port.off('data', onData);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    const decoder = helloReader((m) => {
      if (boardId === undefined || m.boardId === boardId) done({ boardId: m.boardId, said: `HELLO from ${m.boardId} (${m.firmware}, ${m.ledCount} LEDs)` });
    });
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      decoder.push(chunk);
      for (const m of text.matchAll(/(podlights-fw\/\S+) ([A-Za-z0-9._-]+)\r?\n/g)) {
        if (boardId === undefined || m[2] === boardId) return done({ boardId: m[2], said: `${m[1]} ${m[2]}` });
      }
    };
    const timer = setTimeout(
      () => done(new FlashError(`the board did not start podlights within ${Math.round(timeoutMs / 1000)} s (no start line or HELLO${boardId ? ` for ${boardId}` : ''} on its console)`)),
      timeoutMs,
    );
    port.on('data', onData);
  });
}
