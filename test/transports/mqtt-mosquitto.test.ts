// MQTT transport + board client against Debian's mosquitto, started here on a free port with a
// temporary config (anonymous access, no persistence); skipped when mosquitto is not installed.
import t from 'tap';
import { Mosquitto, mosquittoSkip } from './helpers/mosquitto.ts';
import { mqttSuite } from './mqtt-suite.ts';
import { sleep } from './helpers/wait.ts';

const skip = mosquittoSkip();
if (skip) {
  t.pass('skipped', { skip });
} else {
  const broker = new Mosquitto();
  await broker.start();
  t.teardown(() => broker.stop());
  let n = 0;
  mqttSuite(t, {
    url: () => broker.url,
    // Fresh bases: mosquitto without persistence still keeps retained messages while it runs.
    base: () => `pl-mosq-${++n}`,
    bridge: { username: 'bridge' },
    restart: async (downMs) => {
      await broker.kill();
      await sleep(downMs);
      await broker.start();
    },
  });
}
