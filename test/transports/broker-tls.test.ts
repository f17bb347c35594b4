// The embedded broker over TLS with certificates made by openssl and a real mqtt.js client:
// a verified server certificate, optional and required client certificates (refused without one
// or with one from another CA), plain MQTT refused on the TLS port, the bridge on its loopback
// listener, a renewed certificate taken without a restart, and the whole bridge wired from config.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../bridge/transports/mqtt/broker.ts';
import { createBrokerListener } from '../../bridge/transports/mqtt/broker-tls.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import { helloFrame } from './helpers/frames.ts';
import { sleep, waitFor } from './helpers/wait.ts';

const noOpenssl = spawnSync('openssl', ['version']).error ? 'openssl not installed (apt-get install openssl)' : false;

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate for desk-1, and a rogue CA's client certificate. */
function makeCerts(dir: string): Record<string, string> {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string) => ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`);
  const leaf = (name: string, signer: string, ext: string) => {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, '-extfile', ext);
  };
  execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n" > server.ext; printf "extendedKeyUsage=clientAuth\\n" > client.ext'], { cwd: dir });
  ca('ca');
  ca('rogue-ca');
  leaf('server', 'ca', 'server.ext');
  leaf('server2', 'ca', 'server.ext');
  leaf('desk-1', 'ca', 'client.ext');
  leaf('rogue', 'rogue-ca', 'client.ext');
  const files: Record<string, string> = {};
  for (const n of ['ca', 'rogue-ca', 'server', 'server2', 'desk-1', 'rogue']) {
    files[`${n}.crt`] = join(dir, `${n}.crt`);
    files[`${n}.key`] = join(dir, `${n}.key`);
  }
  return files;
}

/** Connects once (no retries) and says how it went: 'connected' or the error's message. */
function tryConnect(url: string, options: IClientOptions): Promise<{ outcome: string; client: MqttClient }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 15_000, ...options });
    client.once('connect', () => resolve({ outcome: 'connected', client }));
    client.once('error', (err) => resolve({ outcome: `error: ${err.message}`, client }));
    client.once('close', () => resolve({ outcome: 'closed', client }));
  });
}

const board = { username: 'desk-1', password: 'board-secret', clientId: 'desk-1' };

t.test('broker over TLS', { skip: noOpenssl ? `skipped: ${noOpenssl}` : false }, async (t) => {
  const files = makeCerts(t.testdir({}));
  const read = (f: string) => readFileSync(files[f]);
  const logs: string[] = [];
  const start = async (tls: ConstructorParameters<typeof EmbeddedBroker>[0]['tls']) => {
    const broker = new EmbeddedBroker({ port: 0, bridge: { username: 'bridge', password: 'bridge-secret' }, boardPassword: 'board-secret', tls, log: (l) => logs.push(l) });
    await broker.start();
    t.teardown(() => broker.stop());
    return broker;
  };
  const clients: MqttClient[] = [];
  t.teardown(() => clients.forEach((c) => c.end(true)));
  const attempt = async (url: string, options: IClientOptions) => {
    const r = await tryConnect(url, options);
    clients.push(r.client);
    return r.outcome;
  };

  t.test('server certificate only: boards verify it, plain MQTT is refused', async (t) => {
    const broker = await start({ cert: files['server.crt'], key: files['server.key'] });
    const tlsUrl = `mqtts://127.0.0.1:${broker.port}`;
    t.equal(await attempt(tlsUrl, { ...board, ca: read('ca.crt') }), 'connected', 'a board that trusts the CA connects');
    t.match(await attempt(tlsUrl, { ...board, ca: read('rogue-ca.crt') }), /error: .*(self.signed|unable to verify|certificate)/i, 'a board that does not trust the server refuses it');
    t.not(await attempt(`mqtt://127.0.0.1:${broker.port}`, { ...board, connectTimeout: 3000 }), 'connected', 'plain MQTT on the TLS port gets no session');
    t.match(broker.url, /^mqtt:\/\/127\.0\.0\.1:\d+$/, 'the bridge gets a plain loopback listener');
    t.not(broker.url, `mqtt://127.0.0.1:${broker.port}`);
    t.equal(await attempt(broker.url, { username: 'bridge', password: 'bridge-secret', clientId: 'bridge' }), 'connected', 'the bridge connects on loopback without a certificate');
    t.equal(await attempt(broker.url, { ...board, password: 'wrong' }).then((o) => o === 'connected'), false, 'loopback still checks credentials');
  });

  t.test('client certificates required: none or a foreign one is refused', async (t) => {
    const broker = await start({ cert: files['server.crt'], key: files['server.key'], ca: files['ca.crt'], requireClientCert: true });
    const url = `mqtts://127.0.0.1:${broker.port}`;
    t.equal(await attempt(url, { ...board, ca: read('ca.crt'), cert: read('desk-1.crt'), key: read('desk-1.key') }), 'connected', 'with a certificate signed by the CA');
    // First refusal of this broker: its log line is not rate-limited away by earlier ones.
    const desk2 = { username: 'desk-2', password: 'board-secret', clientId: 'desk-2' };
    t.match(await attempt(url, { ...desk2, ca: read('ca.crt'), cert: read('desk-1.crt'), key: read('desk-1.key') }), /Not authorized/i, "desk-1's certificate does not open desk-2's session, even with the shared password");
    await waitFor('the reason logged', () => logs.some((l) => /refused client desk-2 \(user desk-2\): its certificate is made out to 'desk-1', not to 'desk-2'/.test(l)));
    t.not(await attempt(url, { ...board, ca: read('ca.crt') }), 'connected', 'without a certificate');
    t.not(await attempt(url, { ...board, ca: read('ca.crt'), cert: read('rogue.crt'), key: read('rogue.key') }), 'connected', 'with a certificate from another CA');
    t.equal(await attempt(url, { ...board, password: 'wrong', ca: read('ca.crt'), cert: read('desk-1.crt'), key: read('desk-1.key') }).then((o) => o === 'connected'), false, 'a certificate does not replace the password');
    await waitFor('the refusals logged', () => logs.some((l) => /TLS handshake from 127\.0\.0\.1 failed/.test(l)));
  });

  t.test('a CA without requireClientCert: certificates optional, but checked when given', async (t) => {
    const broker = await start({ cert: files['server.crt'], key: files['server.key'], ca: files['ca.crt'] });
    const url = `mqtts://127.0.0.1:${broker.port}`;
    t.equal(await attempt(url, { ...board, ca: read('ca.crt') }), 'connected', 'without a certificate');
    t.equal(await attempt(url, { ...board, ca: read('ca.crt'), cert: read('desk-1.crt'), key: read('desk-1.key') }), 'connected', 'with one');
    t.not(await attempt(url, { ...board, ca: read('ca.crt'), cert: read('rogue.crt'), key: read('rogue.key') }), 'connected', 'a certificate from another CA is refused, not ignored');
    t.not(await attempt(url, { username: 'desk-2', password: 'board-secret', clientId: 'desk-2', ca: read('ca.crt'), cert: read('desk-1.crt'), key: read('desk-1.key') }), 'connected', "nor is another board's");
  });

  t.test('bad files fail the start with the setting named', async (t) => {
    await t.rejects(start({ cert: join(files['server.crt'], '..', 'missing.crt'), key: files['server.key'] }), /broker\.tls\.cert: cannot read .*missing\.crt: ENOENT/);
    await t.rejects(start({ cert: files['server.crt'], key: files['rogue.key'] }), /broker\.tls: cannot use .*server\.crt with .*rogue\.key/);
    await t.rejects(start({ cert: files['server.crt'], key: files['server.key'], requireClientCert: true }), /requireClientCert needs broker\.tls\.ca/);
  });
});

t.test('a renewed certificate is served without a restart', { skip: noOpenssl ? `skipped: ${noOpenssl}` : false }, async (t) => {
  const dir = t.testdir({});
  const files = makeCerts(dir);
  const cert = join(dir, 'live.crt');
  const key = join(dir, 'live.key');
  copyFileSync(files['server.crt'], cert);
  copyFileSync(files['server.key'], key);
  const server = createBrokerListener({ cert, key }, (s) => s.end(), undefined, { reloadPollMs: 50 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const served = () =>
    new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ port, host: '127.0.0.1', ca: readFileSync(files['ca.crt']) }, () => {
        resolve(s.getPeerCertificate().fingerprint256);
        s.destroy();
      });
      s.on('error', reject);
    });
  const fingerprint = (f: string) => new X509Certificate(readFileSync(f)).fingerprint256;
  t.equal(await served(), fingerprint(files['server.crt']));
  // The key first, then the certificate (as a non-atomic copy would): in between the pair
  // disagrees and the old certificate must stay in service.
  copyFileSync(files['server2.key'], key);
  copyFileSync(files['server2.crt'], cert);
  let now = '';
  for (let i = 0; i < 400 && now !== fingerprint(files['server2.crt']); i++) {
    await sleep(50);
    now = await served();
  }
  t.equal(now, fingerprint(files['server2.crt']), 'the renewed certificate is served');
});

t.test('the bridge from config: boards on mqtts, the bridge on loopback', { skip: noOpenssl ? `skipped: ${noOpenssl}` : false }, async (t) => {
  const files = makeCerts(t.testdir({}));
  const config = loadConfig({
    env: {},
    overrides: {
      broker: { port: 0, boardPassword: 'board-secret', tls: { cert: files['server.crt'], key: files['server.key'], ca: files['ca.crt'], requireClientCert: true } },
      http: { enabled: false },
      boards: [{ id: 'desk-1' }],
    },
  });
  const lines: string[] = [];
  const running = await startBridge(config, (l) => lines.push(l));
  t.teardown(() => running.stop());
  t.match(lines.join('\n'), /embedded MQTT broker on 127\.0\.0\.1:\d+ \(mqtts, client certificates required\)/);
  await waitFor('the bridge connected to its broker', () => running.transports[0].health().state === 'up', 20_000);
  const port = running.broker!.port;
  const { outcome, client } = await tryConnect(`mqtts://127.0.0.1:${port}`, { ...board, ca: readFileSync(files['ca.crt']), cert: readFileSync(files['desk-1.crt']), key: readFileSync(files['desk-1.key']) });
  t.teardown(() => client.end(true));
  t.equal(outcome, 'connected');
  const got: string[] = [];
  client.on('message', (topic) => got.push(topic));
  await client.subscribeAsync('podlights/desk-1/#');
  await client.publishAsync('podlights/desk-1/hello', Buffer.from(helloFrame('desk-1')));
  await waitFor('the snapshot for desk-1 over TLS', () => got.some((topic) => /^podlights\/desk-1\/(snapshot|frames)$/.test(topic)), 20_000);
  t.pass('a board on mqtts with a client certificate got its snapshot from the bridge');
});

// A failed start used to leave aedes running: the process never exited after "cannot start".
t.test('a broker that fails to start leaves nothing holding the process', async (t) => {
  const script = `
    import { createServer } from 'node:net';
    import { EmbeddedBroker } from './bridge/transports/mqtt/broker.ts';
    const held = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => held.once('listening', r));
    const tries = [{ port: held.address().port }, { port: 0, tls: { cert: '/nonexistent.crt', key: '/nonexistent.key' } }];
    for (const options of tries) {
      await new EmbeddedBroker({ ...options, bridge: { username: 'b', password: 'p' } }).start().then(() => console.log('started?'), (e) => console.log('refused:', e.message));
    }
    held.close();`;
  const r = spawnSync(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  t.match(r.stdout, /refused: listen EADDRINUSE[^]*refused: broker\.tls\.cert: cannot read \/nonexistent\.crt/, r.stderr);
  t.equal(r.status, 0, 'the process ended by itself');
});
