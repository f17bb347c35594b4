// An in-memory transport for link tests: frames go to ReferenceBoards, optionally lost or
// failing, and a retained snapshot is kept like an MQTT broker would keep it.
import { decode, encodeFrame, FLAG, MSG } from '../../protocol/index.ts';
import type { Hello } from '../../protocol/index.ts';
import type { Transport, TransportEvents, TransportHealth } from '../../bridge/transports/types.ts';
import { ReferenceBoard } from './reference-board.ts';

export class MemoryTransport implements Transport {
  readonly name = 'memory';
  events: TransportEvents | undefined;
  boards = new Map<string, ReferenceBoard>();
  retained = new Map<string, Uint8Array[]>();
  sent = new Map<string, Uint8Array[]>();
  /** Frames to drop, by index of the frame among all sent (simulates loss). */
  lose = new Set<number>();
  failNext = 0;
  private count = 0;

  async start(events: TransportEvents): Promise<void> {
    this.events = events;
  }

  async stop(): Promise<void> {}

  connect(boardId: string, ledCount = 60, maxFrame = 1024): ReferenceBoard {
    const board = new ReferenceBoard((frame) => {
      const f = decode(frame);
      if (f.ok && f.messages[0]?.type === MSG.RESYNC) this.events!.resync(boardId, f.messages[0], this);
    });
    this.boards.set(boardId, board);
    const hello: Hello = { type: MSG.HELLO, protoMin: 1, protoMax: 1, ledCount, maxFrame, caps: 0x3f, boardId, profile: 'virtual-60', firmware: 'test' };
    const frame = decode(encodeFrame({ flags: FLAG.UPSTREAM, seq: 0, messages: [hello] }));
    if (frame.ok) this.events!.hello(boardId, frame.messages[0] as Hello, this);
    return board;
  }

  async send(boardId: string, frames: Uint8Array[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('link down');
    }
    const log = this.sent.get(boardId) ?? [];
    this.sent.set(boardId, log);
    for (const f of frames) {
      log.push(f);
      if (this.lose.has(this.count++)) continue;
      this.boards.get(boardId)?.receive(f);
    }
  }

  async retainSnapshot(boardId: string, frames: Uint8Array[]): Promise<void> {
    this.retained.set(boardId, frames);
  }

  health(): TransportHealth {
    return { name: this.name, state: 'up', detail: 'in memory', counters: { frames: this.count } };
  }
}
