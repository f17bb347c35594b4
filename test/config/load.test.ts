// Config: defaults from the schema, env overrides, flags win, clear errors naming the setting.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../bridge/config/load.ts';

t.test('defaults come from the schema', async (t) => {
  const c = loadConfig({ env: {} });
  t.equal(c.mqtt.baseTopic, 'podlights');
  t.equal(c.broker.port, 1883);
  t.equal(c.broker.allowAnonymous, false);
  t.equal(c.flushMs, 50);
  t.equal(c.boardDefaults.lanes, 'cluster');
  t.same(c.serial, []);
});

t.test('file, env and flags, in that order of strength', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ mqtt: { url: 'mqtt://file:1883', baseTopic: 'lab' }, boards: [{ id: 'desk-1', lanes: 'node' }], boardDefaults: { brightness: 40 } }));
  const c = loadConfig({ file, env: { PODLIGHTS_MQTT_URL: 'mqtt://env:1883', PODLIGHTS_BROKER_PORT: '2883', NODE_NAME: 'node-7' }, overrides: { flushMs: 20 } });
  t.equal(c.mqtt.url, 'mqtt://env:1883', 'env beats file');
  t.equal(c.mqtt.baseTopic, 'lab', 'file beats defaults');
  t.equal(c.broker.port, 2883, 'env numbers are numbers');
  t.equal(c.nodeName, 'node-7', 'NODE_NAME for DaemonSet mode');
  t.equal(c.flushMs, 20, 'flags win');
  t.equal(c.boards[0].lanes, 'node');
  t.equal(c.boards[0].brightness, 40, 'boards inherit boardDefaults');
});

t.test('YAML config', async (t) => {
  const dir = t.testdir({ 'podlights.yaml': 'mqtt:\n  url: mqtts://broker.lan:8883\nboards:\n  - id: desk-1\n    lanes: node\n    selector: app in (web)\n' });
  const c = loadConfig({ file: join(dir, 'podlights.yaml'), env: {} });
  t.equal(c.mqtt.url, 'mqtts://broker.lan:8883');
  t.equal(c.boards[0].selector, 'app in (web)');
  t.throws(() => loadConfig({ file: join(dir, 'podlights.yaml'), env: {}, overrides: { boards: [{ id: 'x', lanes: 'diagonal' }] } }), /boards\.0\.lanes/);
});

t.test('bad configs are refused with the setting named', async (t) => {
  const dir = t.testdir({});
  const write = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  t.throws(() => loadConfig({ file: write('a.json', '{"mqtt": {"port": 1}}'), env: {} }), /mqtt: unknown setting 'port'/);
  t.throws(() => loadConfig({ file: write('b.json', '{"boards": [{"id": "x", "layout": "spiral"}]}'), env: {} }), /boards\.0\.layout: must be one of compact, grouped, stable/);
  t.throws(() => loadConfig({ file: write('c.json', '{not json'), env: {} }), ConfigError);
  t.throws(() => loadConfig({ file: write('e.yaml', '- a list\n'), env: {} }), /must be a mapping/);
  t.throws(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), /cannot read config/);
  t.throws(() => loadConfig({ file: write('d.json', '{"boards": [{"id": "x"}, {"id": "x"}]}'), env: {} }), /listed twice/);
  t.throws(() => loadConfig({ env: { PODLIGHTS_BROKER_PORT: 'lots' } }), /broker\.port: must be integer/);
});
