// A real board on the demo's broker (issue 11, item 4, as the demo shows it): it is listed
// online once it says HELLO, and offline as soon as it disconnects, not minutes later.
import t from 'tap';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import { VirtualStrip } from '../../bridge/demo/strip.ts';

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a board that leaves is offline on the page at once', async (t) => {
  const demo = new Demo({ kubeconfig: join(t.testdir({}), 'kubeconfig'), brokerPort: 0, speed: 5 });
  await demo.start();
  t.teardown(() => demo.stop());
  // Stands in for a board flashed with the demo's broker and password: the same client and firmware.
  const board = new VirtualStrip({ boardId: 'desk-1', ledCount: 30, brokerUrl: demo.brokerUrl, password: demo.boardPassword });
  await board.start();
  t.teardown(() => board.stop().catch(() => {}));
  const info = () => demo.boardsInfo().find((b) => b.id === 'desk-1');
  await until('desk-1 listed online', () => info()?.online === true);
  t.equal(info()?.kind, 'external', 'listed as a real board');
  await board.stop();
  const left = Date.now();
  await until('desk-1 offline', () => info()?.online === false);
  t.pass(`offline ${Date.now() - left} ms after it disconnected`);
});

t.test('a board whose connection dies (no DISCONNECT: power cut, WiFi gone) is offline at once too', async (t) => {
  const demo = new Demo({ kubeconfig: join(t.testdir({}), 'kubeconfig'), brokerPort: 0, speed: 5 });
  await demo.start();
  t.teardown(() => demo.stop());
  const board = new VirtualStrip({ boardId: 'desk-2', ledCount: 30, brokerUrl: demo.brokerUrl, password: demo.boardPassword });
  await board.start();
  t.teardown(() => board.stop().catch(() => {}));
  const info = () => demo.boardsInfo().find((b) => b.id === 'desk-2');
  await until('desk-2 listed online', () => info()?.online === true);
  board.board.stop();
  // The socket closes under the client, as when a board loses power: the broker publishes its will.
  (board as any).client.client.stream.destroy();
  (board as any).client.stopping = true;
  await until('desk-2 offline', () => info()?.online === false);
  t.pass('offline without waiting for a keepalive timeout');
});
