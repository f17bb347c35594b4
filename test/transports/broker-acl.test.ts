// The embedded broker's authentication and per-board ACLs, with real MQTT clients.
import t from 'tap';
import type { Test } from 'tap';
import mqtt from 'mqtt';
import type { MqttClient, IClientOptions, ISubscriptionGrant } from 'mqtt';
import { EmbeddedBroker } from '../../bridge/transports/mqtt/broker.ts';
import type { EmbeddedBrokerOptions } from '../../bridge/transports/mqtt/broker.ts';
import { authenticate, mayPublish, maySubscribe } from '../../bridge/transports/mqtt/acl.ts';
import { Topics } from '../../bridge/transports/mqtt/topics.ts';
import { sleep, waitFor } from './helpers/wait.ts';

const auth = {
  bridge: { username: 'bridge', password: 'bridge-secret' },
  boards: { 'desk-1': 'desk-1-secret' },
  boardPassword: 'shared-secret',
};

async function startBroker(t: Test, extra: Partial<EmbeddedBrokerOptions> = {}): Promise<EmbeddedBroker> {
  const broker = new EmbeddedBroker({ ...auth, port: 0, ...extra });
  await broker.start();
  t.teardown(() => broker.stop());
  return broker;
}

/** Connects; resolves with the client, or rejects with the broker's refusal. */
async function connect(t: Test, broker: EmbeddedBroker, opts: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(broker.url, { reconnectPeriod: 0, protocolVersion: 4, ...opts });
  t.teardown(() => new Promise<void>((resolve) => client.end(true, {}, () => resolve())));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) => reject(err));
    client.once('close', () => reject(new Error('closed')));
  });
  client.on('error', () => {});
  return client;
}

function subscribe(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(filter, { qos: 0 }, (err, granted?: ISubscriptionGrant[]) => {
      // mqtt.js reports a refused filter (0x80) as an error carrying the SUBACK packet.
      const code = (err as { packet?: { granted?: number[] } } | null)?.packet?.granted?.[0];
      if (err && typeof code === 'number') resolve(code);
      else if (err) reject(err);
      else resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

function board(t: Test, broker: EmbeddedBroker, boardId: string, password = 'shared-secret') {
  return connect(t, broker, { clientId: boardId, username: boardId, password });
}
function bridge(t: Test, broker: EmbeddedBroker) {
  return connect(t, broker, { clientId: 'bridge', ...auth.bridge });
}

t.test('the rules, as pure functions', async (t) => {
  const topics = new Topics('podlights');
  const desk = authenticate(auth, 'desk-1', 'desk-1', Buffer.from('desk-1-secret'));
  t.same(desk, { role: 'board', boardId: 'desk-1' });
  t.same(authenticate(auth, 'desk-9', 'desk-9', Buffer.from('shared-secret')), { role: 'board', boardId: 'desk-9' });
  t.equal(authenticate(auth, 'desk-1', 'desk-1', Buffer.from('wrong')), undefined);
  t.equal(authenticate(auth, 'x', 'bridge', Buffer.from('shared-secret')), undefined, 'board password is not the bridge password');
  t.equal(authenticate(auth, 'a/b', 'a/b', Buffer.from('shared-secret')), undefined, 'no topic separators in ids');
  t.equal(authenticate(auth, 'desk-2', undefined, undefined), undefined, 'anonymous off by default');
  t.same(authenticate({ ...auth, allowAnonymous: true }, 'desk-2', undefined, undefined), { role: 'board', boardId: 'desk-2' });
  t.equal(authenticate(auth, 'desk-1', 'desk-1', Buffer.from('shared-secret')), undefined, 'a board with its own password: the shared one does not work');
  t.equal(authenticate(auth, 'desk-1', 'desk-2', Buffer.from('shared-secret')), undefined, "desk-2's credentials cannot take desk-1's client id");
  t.equal(authenticate({ ...auth, allowAnonymous: true }, 'desk-1', undefined, undefined), undefined, 'a board with its own password never connects anonymously');
  const who = { role: 'board', boardId: 'desk-1' } as const;
  t.ok(mayPublish(topics, who, 'podlights/desk-1/hello'));
  t.ok(mayPublish(topics, who, 'podlights/desk-1/status'));
  t.notOk(mayPublish(topics, who, 'podlights/desk-2/hello'));
  t.notOk(mayPublish(topics, who, 'podlights/desk-1/frames'));
  t.notOk(mayPublish(topics, who, 'podlights/bridge/state'));
  t.ok(maySubscribe(topics, who, 'podlights/desk-1/#'));
  t.notOk(maySubscribe(topics, who, 'podlights/+/frames'));
  t.notOk(maySubscribe(topics, who, 'podlights/#'));
  t.notOk(maySubscribe(topics, who, '#'));
  t.ok(mayPublish(topics, { role: 'bridge' }, 'podlights/desk-1/frames'));
  t.notOk(mayPublish(topics, { role: 'bridge' }, '$SYS/x'));
});

t.test('wrong or missing credentials are refused and counted', async (t) => {
  const broker = await startBroker(t);
  await t.rejects(board(t, broker, 'desk-1', 'nope'), /bad username or password|not authorized/i);
  await t.rejects(board(t, broker, 'desk-7', 'desk-1-secret'), /bad username or password|not authorized/i, "another board's password");
  await t.rejects(connect(t, broker, { clientId: 'desk-3' }), /bad username or password|not authorized/i, 'anonymous');
  await t.rejects(connect(t, broker, { clientId: 'b', username: 'bridge', password: 'shared-secret' }), /bad username or password|not authorized/i);
  t.equal(broker.counters.authFailures, 4);
  await board(t, broker, 'desk-1', 'desk-1-secret');
  await board(t, broker, 'desk-2');
  t.equal(broker.counters.clients, 2);
});

t.test("a board cannot touch another board's topics, the frames or the bridge state", async (t) => {
  const broker = await startBroker(t);
  const br = await bridge(t, broker);
  const seen: string[] = [];
  br.on('message', (topic) => void seen.push(topic));
  t.equal(await subscribe(br, '#'), 0, 'the bridge may subscribe to everything');

  const desk = await board(t, broker, 'desk-1', 'desk-1-secret');
  t.equal(await subscribe(desk, 'podlights/desk-1/frames'), 0);
  t.equal(await subscribe(desk, 'podlights/desk-1/snapshot'), 0);
  t.equal(await subscribe(desk, 'podlights/bridge/state'), 0);
  t.equal(await subscribe(desk, 'podlights/desk-1/#'), 0);
  t.equal(await subscribe(desk, 'podlights/desk-2/frames'), 128, "not another board's frames");
  t.equal(await subscribe(desk, 'podlights/+/frames'), 128, 'not through a wildcard');
  t.equal(await subscribe(desk, '#'), 128);
  t.equal(broker.counters.subscribesDenied, 3);

  desk.publish('podlights/desk-1/hello', 'ok');
  await waitFor('own hello passes', () => seen.includes('podlights/desk-1/hello'));

  // Each forbidden publish costs the board its connection (aedes closes it; MQTT 3.1.1 has no NACK).
  const forbidden = ['podlights/desk-2/hello', 'podlights/desk-1/frames', 'podlights/desk-1/snapshot', 'podlights/bridge/state', 'podlights/desk-2/status'];
  for (const topic of forbidden) {
    const c = await board(t, broker, 'desk-1', 'desk-1-secret');
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(topic, 'evil');
    await closed;
  }
  await sleep(50);
  t.same(seen.filter((s) => forbidden.includes(s)), [], 'nothing forbidden reached a subscriber');
  t.equal(broker.counters.publishesDenied, forbidden.length);
});

t.test('the bridge user may do everything', async (t) => {
  const broker = await startBroker(t);
  const br = await bridge(t, broker);
  const desk = await board(t, broker, 'desk-1', 'desk-1-secret');
  const got: string[] = [];
  desk.on('message', (topic, payload) => void got.push(`${topic}=${payload.toString()}`));
  await subscribe(desk, 'podlights/desk-1/#');
  await subscribe(desk, 'podlights/bridge/state');
  for (const topic of ['podlights/desk-1/frames', 'podlights/desk-1/snapshot', 'podlights/bridge/state']) br.publish(topic, 'x');
  await waitFor('three messages', () => got.length === 3);
  t.same(got.sort(), ['podlights/bridge/state=x', 'podlights/desk-1/frames=x', 'podlights/desk-1/snapshot=x']);
  t.equal(broker.counters.publishesDenied, 0);
});

t.test('allowAnonymous: a client without username gets the board ACL of its client id', async (t) => {
  const broker = await startBroker(t, { allowAnonymous: true });
  const anon = await connect(t, broker, { clientId: 'desk-5' });
  t.equal(await subscribe(anon, 'podlights/desk-5/frames'), 0);
  t.equal(await subscribe(anon, 'podlights/desk-6/frames'), 128);
  await t.rejects(connect(t, broker, { clientId: 'bridge' }), /not authorized|bad username/i, 'the id "bridge" is reserved');
});

t.test('base topic and stop(): clients are disconnected, the port is released', async (t) => {
  const broker = new EmbeddedBroker({ ...auth, port: 0, baseTopic: 'site-a/podlights' });
  await broker.start();
  const desk = await board(t, broker, 'desk-1', 'desk-1-secret');
  t.equal(await subscribe(desk, 'site-a/podlights/desk-1/frames'), 0);
  t.equal(await subscribe(desk, 'podlights/desk-1/frames'), 128, 'ACLs follow the base topic');
  const closed = new Promise<void>((resolve) => desk.once('close', () => resolve()));
  await broker.stop();
  await closed;
  t.equal(broker.counters.clients, 0);
  await broker.stop(); // twice is fine
  // The port is free again.
  const again = new EmbeddedBroker({ ...auth, port: broker.port });
  await again.start();
  await again.stop();
});
