// MQTT transport + board client against the embedded aedes broker.
import t from 'tap';
import { EmbeddedBroker } from '../../bridge/transports/mqtt/broker.ts';
import { mqttSuite } from './mqtt-suite.ts';
import { MqttTransport } from '../../bridge/transports/mqtt/transport.ts';
import { recorder } from './helpers/frames.ts';
import { sleep, waitFor } from './helpers/wait.ts';

const auth = { bridge: { username: 'bridge', password: 'bridge-secret' }, boardPassword: 'board-secret' };
let broker = new EmbeddedBroker({ ...auth, port: 0 });
await broker.start();
const port = broker.port;
t.teardown(() => broker.stop());

mqttSuite(t, {
  url: () => broker.url,
  base: () => 'podlights',
  bridge: auth.bridge,
  boardPassword: auth.boardPassword,
  restart: async (downMs) => {
    await broker.stop();
    await sleep(downMs);
    broker = new EmbeddedBroker({ ...auth, port });
    await broker.start();
  },
});

// Aedes-only: the embedded broker's ACLs seen from the transport's health.
t.test('wrong bridge password: down, with the reason, retrying', async (t) => {
  const transport = new MqttTransport({ url: broker.url, username: 'bridge', password: 'wrong', backoff: { initialMs: 30, maxMs: 60 } });
  await transport.start(recorder().events);
  t.teardown(() => transport.stop());
  t.equal(transport.health().state, 'down');
  t.match(transport.health().detail, /not connected.*(bad username or password|not authorized)/i);
  await waitFor('retries', () => transport.health().counters.connectErrors >= 2);
});

