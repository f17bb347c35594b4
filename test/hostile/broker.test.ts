// Hostile clients at the embedded broker: a CONNECT declaring 250 MB, thousands of failed
// logins with huge usernames, a shared password used for a board that has its own, a second
// client claiming a connected board from another address, a board that vanishes.
import t from 'tap';
import type { Test } from 'tap';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import mqtt from 'mqtt';
import { EmbeddedBroker } from '../../bridge/transports/mqtt/broker.ts';
import { MqttTransport } from '../../bridge/transports/mqtt/transport.ts';
import { recorder, helloFrame } from '../transports/helpers/frames.ts';
import { waitFor } from '../transports/helpers/wait.ts';

const auth = {
  bridge: { username: 'bridge', password: 'bridge-secret' },
  boards: { 'desk-1': 'desk-1-secret', 'desk-9': 'desk-9-secret' },
  boardPassword: 'shared-secret',
};

async function startBroker(t: Test, lines: string[] = []): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker({ ...auth, port: 0, host: '127.0.0.1', log: (l) => void lines.push(l) });
  await broker.start();
  t.teardown(() => broker.stop());
  return broker;
}

/** A raw TCP client from a chosen loopback address: resolves with the CONNACK return code or 'closed'. */
function rawConnect(t: Test, broker: EmbeddedBroker, packet: object, localAddress = '127.0.0.1'): Promise<{ code: number | 'closed'; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ port: broker.port, host: '127.0.0.1', localAddress });
    t.teardown(() => void socket.destroy());
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p: { cmd: string; returnCode?: number }) => {
      if (p.cmd === 'connack') resolve({ code: p.returnCode ?? -1, socket });
    });
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ code: 'closed', socket }));
    socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30, ...packet } as never));
  });
}

t.test('a CONNECT declaring 250 MB is cut at its header, before anything is buffered', async (t) => {
  const lines: string[] = [];
  const broker = await startBroker(t, lines);
  const heapBefore = process.memoryUsage().arrayBuffers;
  const socket = tcpConnect({ port: broker.port, host: '127.0.0.1' });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  // Fixed header: CONNECT, remaining length 250,000,000 (varint), then a stream of junk.
  const size = 250_000_000;
  const len: number[] = [];
  let n = size;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  socket.write(Buffer.from([0x10, ...len]));
  const junk = Buffer.alloc(1024 * 1024, 0x41);
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < 64 && socket.write(junk)) sent++;
    if (!socket.destroyed && sent < 64) socket.once('drain', pump);
  };
  pump();
  await closed;
  t.equal(broker.counters.oversizePackets, 1);
  t.ok(lines.some((l) => /cut the connection .*250000000 bytes/.test(l)), 'said why');
  t.ok(process.memoryUsage().arrayBuffers - heapBefore < 32 * 1024 * 1024, 'the broker did not hold the packet');
});

t.test('3,000 failed logins with unique long usernames: bounded log, bounded memory, short lines', async (t) => {
  const lines: string[] = [];
  const broker = await startBroker(t, lines);
  const results: (number | 'closed')[] = [];
  for (let batch = 0; batch < 30; batch++) {
    const codes = await Promise.all(
      Array.from({ length: 100 }, (_, i) => rawConnect(t, broker, { clientId: `c${batch}-${i}`, username: `u${batch}-${i}-${'x'.repeat(8000)}`, password: Buffer.from('nope') })),
    );
    for (const c of codes) {
      results.push(c.code);
      c.socket.destroy();
    }
  }
  t.ok(results.every((c) => c === 4 || c === 'closed'), 'all refused');
  t.equal(broker.counters.authFailures, 3000);
  t.ok(lines.length <= 31, `log lines: ${lines.length}`);
  t.ok(lines.every((l) => l.length < 400), 'no username logged in full');
  // 60 KB usernames do not even get to authentication: the CONNECT is over the limit.
  const big = await rawConnect(t, broker, { clientId: 'big', username: 'y'.repeat(60_000), password: Buffer.from('nope') });
  t.equal(big.code, 'closed');
  t.ok(broker.counters.oversizePackets >= 1);
});

t.test('per-board credentials are the only way in for that board', async (t) => {
  const broker = await startBroker(t);
  t.equal((await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-1', password: Buffer.from('shared-secret') })).code, 4, 'desk-1 with the shared password');
  t.equal((await rawConnect(t, broker, { clientId: 'desk-9', username: 'desk-9', password: Buffer.from('shared-secret') })).code, 4, 'desk-9 with the shared password');
  t.equal((await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-1', password: Buffer.from('desk-1-secret') })).code, 0, 'desk-1 with its own');
  t.equal((await rawConnect(t, broker, { clientId: 'desk-3', username: 'desk-3', password: Buffer.from('shared-secret') })).code, 0, 'a board without its own password uses the shared one');
});

t.test("no takeover: desk-2's credentials cannot be desk-1, and a second desk-1 from elsewhere is refused", async (t) => {
  const lines: string[] = [];
  const broker = await startBroker(t, lines);
  const bridge = new MqttTransport({ url: broker.url, username: 'bridge', password: 'bridge-secret', clientId: 'the-bridge' });
  const { events, seen: rec } = recorder();
  await bridge.start(events);
  t.teardown(() => bridge.stop());

  const real = await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-1', password: Buffer.from('desk-1-secret') }, '127.0.0.1');
  t.equal(real.code, 0);
  const stolen = await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-2', password: Buffer.from('shared-secret') }, '127.0.0.3');
  t.equal(stolen.code, 4, "desk-2's credentials with client id desk-1");
  const copy = await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-1', password: Buffer.from('desk-1-secret') }, '127.0.0.2');
  t.equal(copy.code, 2, 'a second desk-1 from another address while the first is live');
  t.equal(broker.counters.takeoversRefused, 1);
  t.ok(lines.some((l) => /refused a second connection for board desk-1 from 127\.0\.0\.2/.test(l)));
  t.notOk(real.socket.destroyed, 'the real board is still connected');
  // The real board's HELLO still reaches the bridge with its own LED count.
  real.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'podlights/desk-1/hello', payload: Buffer.from(helloFrame('desk-1', 0, 60)), qos: 0, retain: false, dup: false } as never));
  await waitFor('hello', () => rec.hellos.length === 1);
  t.equal(rec.hellos[0].hello.ledCount, 60);
  // A reboot from the same address is a takeover the board itself makes: allowed.
  const reboot = await rawConnect(t, broker, { clientId: 'desk-1', username: 'desk-1', password: Buffer.from('desk-1-secret') }, '127.0.0.1');
  t.equal(reboot.code, 0);
  t.equal(broker.counters.takeovers, 1);
});

t.test('a board that vanishes (no will, no DISCONNECT) is offline at once', async (t) => {
  const broker = await startBroker(t);
  const bridge = new MqttTransport({ url: broker.url, username: 'bridge', password: 'bridge-secret', clientId: 'the-bridge' });
  const { events, seen: rec } = recorder();
  await bridge.start(events);
  t.teardown(() => bridge.stop());
  const board = mqtt.connect(broker.url, { clientId: 'desk-3', username: 'desk-3', password: 'shared-secret', reconnectPeriod: 0 });
  board.on('error', () => {});
  await new Promise<void>((resolve) => board.once('connect', () => resolve()));
  board.publish('podlights/desk-3/hello', Buffer.from(helloFrame('desk-3')));
  await waitFor('hello', () => rec.hellos.length === 1);
  (board.stream as Socket).destroy(); // the cable is pulled
  await waitFor('gone', () => rec.gone.includes('desk-3'));
  t.equal(broker.counters.boardsOffline, 1);
  board.end(true);
});
