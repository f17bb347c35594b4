// A standing fuzz of what boards can send up: any HELLO fields, RESYNCs and disconnects in any
// order, from any ids. The link must never throw, never let a flush reject, keep its sessions
// within maxBoards, and build sessions only from HELLOs it can serve.
import t from 'tap';
import fc from 'fast-check';
import { MSG } from '../../protocol/index.ts';
import type { Hello } from '../../protocol/index.ts';
import { Link } from '../../bridge/link/link.ts';
import { emptyDisplayState } from '../../bridge/link/display-state.ts';
import { helloProblem } from '../../bridge/link/hello-check.ts';
import { MemoryTransport } from '../link/memory-transport.ts';

const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 65535 });
const id = fc.constantFrom('desk-1', 'desk-2', 'desk-3', 'x', 'bridge2', 'a'.repeat(64));
const hello = fc.record({ protoMin: u8, protoMax: u8, ledCount: u16, maxFrame: u16, caps: u16, profile: fc.string({ maxLength: 40 }), firmware: fc.string({ maxLength: 40 }) });
const event = fc.oneof(
  fc.record({ kind: fc.constant('hello' as const), id, hello }),
  fc.record({ kind: fc.constant('resync' as const), id, lastSeq: u16, reason: u8 }),
  fc.record({ kind: fc.constant('gone' as const), id }),
  fc.record({ kind: fc.constant('flush' as const), advance: fc.integer({ min: 0, max: 5000 }) }),
);

t.test('any sequence of upstream events', async (t) => {
  await fc.assert(
    fc.asyncProperty(fc.array(event, { maxLength: 60 }), async (events) => {
      let clock = 0;
      const transport = new MemoryTransport();
      const link = new Link({ transports: [transport], now: () => clock, flushMs: 3_600_000, maxBoards: 3, forgetAfterMs: 10_000 });
      await link.start();
      try {
        for (const e of events) {
          if (e.kind === 'hello') {
            const h: Hello = { type: MSG.HELLO, boardId: e.id, ...e.hello };
            transport.events!.hello(e.id, h, transport);
            link.setState(e.id, emptyDisplayState());
          } else if (e.kind === 'resync') transport.events!.resync(e.id, { type: MSG.RESYNC, lastSeq: e.lastSeq, reason: e.reason }, transport);
          else if (e.kind === 'gone') transport.events!.gone(e.id, transport);
          else {
            clock += e.advance;
            await link.flushAll();
          }
          const boards = link.boards();
          if (boards.length > 3) throw new Error(`${boards.length} sessions`);
          for (const b of boards) {
            const problem = helloProblem({ type: MSG.HELLO, boardId: b.boardId, protoMin: 1, protoMax: 1, ledCount: b.ledCount, maxFrame: b.maxFrame, caps: 0, profile: '', firmware: '' });
            if (problem) throw new Error(`a session from a bad HELLO: ${problem}`);
          }
        }
        await link.flushAll();
      } finally {
        await link.stop();
      }
    }),
    { numRuns: 300 },
  );
  t.pass('no throw, no rejection, bounded, only servable sessions');
});
