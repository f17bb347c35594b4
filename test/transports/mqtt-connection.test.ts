// Broker connection settings: URLs, TLS material from text or files, credentials kept out of logs.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientOptions, safeUrl } from '../../bridge/transports/mqtt/connection.ts';
import { Topics, isBoardIdForMqtt } from '../../bridge/transports/mqtt/topics.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

t.test('TLS material as PEM text or as a file path; verification on by default', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, PEM);
  const o = clientOptions({ url: 'mqtts://broker:8883', tls: { ca: caFile, cert: PEM, key: PEM } }, undefined);
  t.equal(o.ca, PEM, 'read from the file');
  t.equal(o.cert, PEM, 'taken as is');
  t.equal(o.rejectUnauthorized, true);
  t.equal(o.reconnectPeriod, 0, 'reconnects are ours');
  t.equal(o.protocolVersion, 4, 'MQTT 3.1.1');
  t.equal(clientOptions({ url: 'mqtts://b', tls: { rejectUnauthorized: false } }, undefined).rejectUnauthorized, false);
  t.throws(() => clientOptions({ url: 'http://broker' }, undefined), /unsupported broker URL/);
});

t.test('credentials never reach logs', async (t) => {
  t.equal(safeUrl('mqtt://user:secret@broker:1883'), 'mqtt://broker:1883');
  t.equal(safeUrl('not a url'), '(invalid url)');
});

t.test('topics', async (t) => {
  const topics = new Topics('site-a/podlights');
  t.equal(topics.bridgeState, 'site-a/podlights/bridge/state');
  t.equal(topics.board('desk-1', 'frames'), 'site-a/podlights/desk-1/frames');
  t.same(topics.parse('site-a/podlights/desk-1/hello'), { boardId: 'desk-1', kind: 'hello' });
  t.equal(topics.parse('site-a/podlights/bridge/state'), undefined, 'the bridge is no board');
  t.equal(topics.parse('other/desk-1/hello'), undefined);
  t.equal(topics.parse('site-a/podlights/a/b/hello'), undefined);
  t.throws(() => new Topics('pod/#'));
  t.notOk(isBoardIdForMqtt('a+b'));
  t.notOk(isBoardIdForMqtt('$SYS'));
  t.notOk(isBoardIdForMqtt(''));
  t.ok(isBoardIdForMqtt('desk-1'));
});
