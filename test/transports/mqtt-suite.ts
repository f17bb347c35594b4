// The MQTT transport and board client against a real broker: the same scenarios run against the
// embedded aedes broker (mqtt-aedes.test.ts) and Debian's mosquitto (mqtt-mosquitto.test.ts).
import type { Test } from 'tap';
import { decode, MSG } from '../../protocol/index.ts';
import { MqttTransport } from '../../bridge/transports/mqtt/transport.ts';
import { MqttBoardClient } from '../../bridge/transports/mqtt/board-client.ts';
import type { MqttBoardClientOptions } from '../../bridge/transports/mqtt/board-client.ts';
import { deltas, helloFrame, hex, recorder, resyncFrame, snapshot } from './helpers/frames.ts';
import { TcpProxy } from './helpers/net.ts';
import { sleep, waitFor } from './helpers/wait.ts';

export interface BrokerUnderTest {
  url(): string;
  bridge: { username?: string; password?: string };
  boardPassword?: string;
  /** The base topic for one test: fresh when the broker allows (no retained leftovers). */
  base(): string;
  /** Stops the broker and starts it again on the same port. */
  restart(downMs: number): Promise<void>;
}

const fast = { initialMs: 50, maxMs: 300 };
let n = 0;

export function mqttSuite(t: Test, broker: BrokerUnderTest): void {
  const fresh = (): string => broker.base();
  // Board ids are unique per test, so retained messages of one test never leak into the next.
  const id = (name: string): string => `${name}-${++n}`;

  async function bridgeTransport(t: Test, baseTopic: string, url = broker.url()) {
    const transport = new MqttTransport({ url, ...broker.bridge, clientId: `bridge-${baseTopic}`, baseTopic, backoff: fast, keepalive: 5 });
    const rec = recorder();
    await transport.start(rec.events);
    t.teardown(() => transport.stop());
    return { transport, ...rec };
  }

  async function board(t: Test, baseTopic: string, boardId: string, extra: Partial<MqttBoardClientOptions> = {}) {
    const got: { frame: Uint8Array; source: string }[] = [];
    const states: string[] = [];
    const client = new MqttBoardClient({
      url: broker.url(),
      password: broker.boardPassword,
      boardId,
      baseTopic,
      backoff: fast,
      onFrame: (frame, source) => void got.push({ frame, source }),
      onBridgeOnline: () => void states.push('online'),
      onBridgeOffline: () => void states.push('offline'),
      ...extra,
    });
    await client.start();
    t.teardown(() => client.stop());
    return { client, got, states };
  }

  t.test('HELLO reaches the bridge; frames reach the board in order', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { transport, seen } = await bridgeTransport(t, base);
    t.equal(transport.health().state, 'up', transport.health().detail);
    const b = await board(t, base, me);
    await waitFor('bridge online at the board', () => b.states.includes('online'));
    b.client.sendUpstream(helloFrame(me), 'hello');
    await waitFor('hello', () => seen.hellos.length === 1);
    t.equal(seen.hellos[0].boardId, me);
    t.equal(seen.hellos[0].hello.ledCount, 60);
    t.equal(seen.hellos[0].via, 'mqtt');

    const frames = deltas(50);
    await transport.send(me, frames);
    await waitFor('50 frames', () => b.got.length === 50);
    t.same(b.got.map((g) => hex(g.frame)), frames.map(hex), 'in order, byte for byte');
    t.ok(b.got.every((g) => g.source === 'frames'));
    t.equal(transport.health().counters.framesSent, 50);
  });

  t.test('the retained snapshot reaches boards that connect later, and a rebooting board at once', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { transport } = await bridgeTransport(t, base);
    const snap = snapshot(300); // several frames
    t.ok(snap.length > 1, `snapshot of ${snap.length} frames`);
    await transport.retainSnapshot(me, snap);
    t.equal(transport.health().counters.snapshotsRetained, 1);

    const first = await board(t, base, me);
    await waitFor('snapshot frames', () => first.got.length === snap.length);
    t.same(first.got.map((g) => hex(g.frame)), snap.map(hex), 'whole snapshot, in order');
    t.ok(first.got.every((g) => g.source === 'snapshot'));
    const decoded = decode(first.got[0].frame);
    t.ok(decoded.ok && decoded.messages[0].type === MSG.SNAPSHOT_BEGIN);

    // Reboot: drop the connection the hard way and come back.
    first.client.kill();
    const again = await board(t, base, me);
    await waitFor('snapshot after reboot', () => again.got.length === snap.length, 2000);
    t.same(again.got.map((g) => hex(g.frame)), snap.map(hex));

    // An empty list clears the retained snapshot.
    await transport.retainSnapshot(me, []);
    const third = await board(t, base, me);
    await sleep(150);
    t.equal(third.got.length, 0, 'no snapshot after clearing');
    t.equal(transport.health().counters.snapshotsCleared, 1);
  });

  t.test('bridge/state: online retained, offline as the last will, online again after reconnect', async (t) => {
    const base = fresh();
    const me = id('desk');
    const proxy = new TcpProxy(new URL(broker.url()).port ? Number(new URL(broker.url()).port) : 1883);
    await proxy.start();
    t.teardown(() => proxy.stop());
    const { transport, seen } = await bridgeTransport(t, base, proxy.url);
    const states: string[] = [];
    let sayHello = (): void => {};
    const b = await board(t, base, me, {
      onBridgeOnline: () => {
        states.push('online');
        sayHello();
      },
      onBridgeOffline: () => void states.push('offline'),
    });
    sayHello = () => b.client.sendUpstream(helloFrame(me), 'hello');
    sayHello();
    await waitFor('retained online on subscribe', () => states[0] === 'online');
    await waitFor('first hello', () => seen.hellos.length >= 1);

    proxy.cut(); // the bridge's socket dies without DISCONNECT
    await waitFor('will: offline', () => states.includes('offline'), 5000);
    t.equal(transport.health().state === 'up', false, 'health not up right after the cut: ' + transport.health().detail);
    await waitFor('online again', () => states.filter((s) => s === 'online').length === 2, 5000);
    await waitFor('board said hello again', () => seen.hellos.length >= 2);
    t.equal(transport.health().state, 'up');
    t.ok(transport.health().counters.reconnects >= 1);

    // A clean stop says offline itself.
    await transport.stop();
    await waitFor('offline on clean stop', () => states.filter((s) => s === 'offline').length === 2);
    t.equal(transport.health().state, 'stopped');
  });

  t.test('broken upstream frames are counted, never fatal', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { transport, seen } = await bridgeTransport(t, base);
    const b = await board(t, base, me);
    b.client.sendUpstream(new Uint8Array([1, 2, 3]), 'hello');
    const broken = helloFrame(me);
    broken[broken.length - 1] ^= 0xff; // bad CRC
    b.client.sendUpstream(broken, 'hello');
    b.client.sendUpstream(helloFrame('someone-else'), 'hello'); // names another board
    b.client.sendUpstream(deltas(1)[0], 'hello'); // not an upstream frame
    b.client.sendUpstream(helloFrame(me), 'hello');
    await waitFor('the good hello', () => seen.hellos.length === 1);
    const c = transport.health().counters;
    t.equal(c.badFrames, 3, 'garbage, bad CRC, no UPSTREAM flag');
    t.equal(c.boardIdMismatch, 1);
    t.equal(seen.hellos[0].boardId, me);
    t.equal(transport.health().state, 'up');
  });

  t.test('RESYNC and the board status topic reach the link', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { seen } = await bridgeTransport(t, base);
    const b = await board(t, base, me, { statusWill: true });
    b.client.sendUpstream(resyncFrame(41), 'resync');
    await waitFor('resync', () => seen.resyncs.length === 1);
    t.equal(seen.resyncs[0].resync.lastSeq, 41);
    b.client.kill(); // no DISCONNECT: the broker publishes the board's will
    await waitFor('gone', () => seen.gone.includes(me), 5000);
  });

  t.test('broker restart: health goes down, then the transport reconnects and comes back up', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { transport } = await bridgeTransport(t, base);
    t.equal(transport.health().state, 'up');
    const states: string[] = [];
    const poll = setInterval(() => states.push(transport.health().state), 5);
    t.teardown(() => clearInterval(poll));
    await broker.restart(300);
    await waitFor('up again', () => transport.health().state === 'up' && states.includes('down'), 8000);
    clearInterval(poll);
    t.ok(states.includes('down'), 'was down');
    t.ok(transport.health().counters.reconnects >= 1);
    // It works after the restart: a new board gets frames.
    const b = await board(t, base, me);
    await transport.send(me, deltas(3));
    await waitFor('frames after restart', () => b.got.length === 3);
    t.pass('frames flow again');
  });

  t.test('frames sent while disconnected are dropped and counted; retained snapshots wait for the connection', async (t) => {
    const base = fresh();
    const me = id('desk');
    const { transport } = await bridgeTransport(t, base);
    const restarted = broker.restart(400);
    await waitFor('down', () => transport.health().state === 'down', 5000);
    await transport.send(me, deltas(4));
    t.equal(transport.health().counters.framesDroppedOffline, 4, 'dropped and counted');
    const snap = snapshot(5);
    await transport.retainSnapshot(me, snap);
    t.equal(transport.health().counters.snapshotsDeferred, 1);
    await restarted;
    await waitFor('up', () => transport.health().state === 'up', 8000);
    await waitFor('deferred snapshot published', () => transport.health().counters.snapshotsRetained === 1);
    const b = await board(t, base, me);
    await waitFor('snapshot', () => b.got.length === snap.length);
    t.same(b.got.map((g) => hex(g.frame)), snap.map(hex));
  });
}
