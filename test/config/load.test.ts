// Config: defaults from the schema, env overrides, flags win, clear errors naming the setting
// (on one line, with a "did you mean" for typos).
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../bridge/config/load.ts';
import { editDistance, nearest } from '../../bridge/config/problems.ts';

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
  t.throws(() => loadConfig({ file: write('a.json', '{"mqtt": {"port": 1}}'), env: {} }), /mqtt\.port: unknown setting here \(it belongs at broker\.port/);
  t.throws(() => loadConfig({ file: write('b.json', '{"boards": [{"id": "x", "layout": "spiral"}]}'), env: {} }), /boards\.0\.layout: must be one of compact, grouped, stable/);
  t.throws(() => loadConfig({ file: write('c.json', '{not json'), env: {} }), ConfigError);
  t.throws(() => loadConfig({ file: write('e.yaml', '- a list\n'), env: {} }), /must be a mapping/);
  t.throws(() => loadConfig({ file: join(dir, 'missing.json'), env: {} }), /cannot read config/);
  t.throws(() => loadConfig({ file: write('d.json', '{"boards": [{"id": "x"}, {"id": "x"}]}'), env: {} }), /listed twice/);
  t.throws(() => loadConfig({ env: { PODLIGHTS_BROKER_PORT: 'lots' } }), /broker\.port: must be integer/);
});

/** The message of what loadConfig throws for these settings (as if given on the command line). */
function refusal(settings: Record<string, unknown>): string {
  try {
    loadConfig({ env: {}, overrides: settings });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message;
  }
  return '(accepted)';
}

t.test('unknown keys anywhere are refused, with a "did you mean"', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ lgoLevel: 'debug' }, /^invalid configuration: lgoLevel: unknown setting \(did you mean 'logLevel'\?\)$/],
    [{ boardDefaults: { brightnes: 96 } }, /boardDefaults\.brightnes: unknown setting \(did you mean 'brightness'\?\)/],
    [{ boards: [{ id: 'desk-1', lanse: 'cluster' }] }, /boards\.0\.lanse: unknown setting \(did you mean 'lanes'\?\)/],
    [{ boards: [{ id: 'desk-1', ledcount: 60 }] }, /boards\.0\.ledcount: unknown setting \(did you mean 'ledCount'\?\)/],
    [{ broker: { tls: { cert: 'c', key: 'k', requireClientcert: true } } }, /broker\.tls\.requireClientcert: unknown setting \(did you mean 'requireClientCert'\?\)/],
    [{ serial: [{ path: '/dev/ttyACM0', baudrate: 9600 }] }, /serial\.0\.baudrate: unknown setting \(did you mean 'baudRate'\?\)/],
    [{ brightness: 96 }, /^invalid configuration: brightness: unknown setting here \(it belongs at boardDefaults\.brightness/],
    [{ frobnicate: true }, /^invalid configuration: frobnicate: unknown setting$/],
  ];
  for (const [settings, expected] of cases) t.match(refusal(settings), expected, JSON.stringify(settings));
});

t.test('a typo in boardDefaults is reported once, not once per board', async (t) => {
  const msg = refusal({ boardDefaults: { lanse: 'node' }, boards: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
  t.equal(msg, "invalid configuration: boardDefaults.lanse: unknown setting (did you mean 'lanes'?)");
});

t.test('errors are one line, several problems joined', async (t) => {
  const dir = t.testdir({ 'p.yaml': 'lanse: cluster\nboards:\n  - id: desk-1\n    brightnes: 96\n' });
  const file = join(dir, 'p.yaml');
  let msg = '';
  try {
    loadConfig({ file, env: {} });
  } catch (err) {
    msg = (err as Error).message;
  }
  t.notMatch(msg, /\n/, 'one line');
  t.match(msg, `invalid configuration in ${file}: `);
  t.match(msg, /boards\.0\.brightnes: unknown setting \(did you mean 'brightness'\?\)/);
  t.match(msg, /lanse: unknown setting/);
});

t.test('mqtt.url must be an MQTT URL', async (t) => {
  for (const url of ['http://broker:1883', 'tcp://broker:1883', 'broker.lan:1883', 'mqtt://', 'mqtt:///x']) {
    t.match(refusal({ mqtt: { url } }), /mqtt\.url: must be a broker URL starting with mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\//, url);
  }
  for (const url of ['mqtt://broker.lan:1883', 'mqtts://broker.lan', 'ws://broker:9001/mqtt', 'wss://[::1]:8884/mqtt']) {
    t.equal(loadConfig({ env: {}, overrides: { mqtt: { url } } }).mqtt.url, url);
  }
  t.match(refusal({}), '(accepted)');
  t.throws(() => loadConfig({ env: { PODLIGHTS_MQTT_URL: 'http://x' } }), /mqtt\.url: must be a broker URL/, 'from the environment too');
});

t.test('mqtt.baseTopic is a plain topic prefix', async (t) => {
  for (const baseTopic of ['/lead', 'lead/', '/', 'a/+/b', 'a/#', '+', '$SYS', '']) {
    t.match(refusal({ mqtt: { baseTopic } }), /mqtt\.baseTopic: must be a topic prefix/, JSON.stringify(baseTopic));
  }
  for (const baseTopic of ['podlights', 'lab/podlights', 'a-b_c.d', 'x']) t.equal(loadConfig({ env: {}, overrides: { mqtt: { baseTopic } } }).mqtt.baseTopic, baseTopic);
});

t.test('label selectors are parsed by the view\'s parser before start', async (t) => {
  t.match(refusal({ boards: [{ id: 'desk-1', selector: 'app in (web' }] }), /^invalid configuration: boards\.0\.selector: unable to parse requirement/);
  t.match(refusal({ boards: [{ id: 'desk-1', ledCount: 60 }, { id: 'desk-2', selector: 'app=web,' }] }), /boards\.1\.selector: unable to parse requirement: empty requirement/);
  t.match(refusal({ boardDefaults: { selector: 'tier=front end' } }), /^invalid configuration: boardDefaults\.selector: unable to parse requirement: invalid label value/);
  const ok = loadConfig({ env: {}, overrides: { boardDefaults: { selector: 'app in (web, api),!canary' }, boards: [{ id: 'a' }] } });
  t.equal(ok.boards[0].selector, 'app in (web, api),!canary', 'a good selector is inherited as written');
});

t.test('broker.tls and board passwords', async (t) => {
  t.match(refusal({ broker: { tls: { cert: '/tls/tls.crt' } } }), /broker\.tls: must have required property 'key'/);
  const c = loadConfig({ env: { PODLIGHTS_BROKER_TLS_CERT: '/tls/tls.crt', PODLIGHTS_BROKER_TLS_KEY: '/tls/tls.key' } });
  t.same(c.broker.tls, { cert: '/tls/tls.crt', key: '/tls/tls.key', requireClientCert: false }, 'from the environment, with defaults');
  t.equal(loadConfig({ env: {} }).broker.tls, undefined, 'plain TCP unless asked');
  t.match(refusal({ broker: { boardPasswords: { 'desk 1': 'x' } } }), /broker\.boardPasswords: key 'desk 1' must be a board id/);
});

t.test('logFormat', async (t) => {
  t.equal(loadConfig({ env: {} }).logFormat, 'auto');
  t.equal(loadConfig({ env: { PODLIGHTS_LOG_FORMAT: 'json' } }).logFormat, 'json');
  t.match(refusal({ logFormat: 'jsno' }), /logFormat: must be one of auto, pretty, json \(did you mean 'json'\?\)/);
});

// A standing check: any object added to the schema later (by anyone) must be closed too, or a
// typo in it would pass silently again.
t.test('every object in the schema is closed to unknown keys', async (t) => {
  const schema = JSON.parse(readFileSync('bridge/config/schema.json', 'utf8'));
  const open: string[] = [];
  const walk = (node: any, path: string) => {
    if (!node || typeof node !== 'object') return;
    const isObject = node.type === 'object' || node.properties || node.allOf || node.$ref;
    const target = typeof node.$ref === 'string' ? node.$ref.slice(2).split('/').reduce((at: any, k: string) => at?.[k], schema) : undefined;
    const closed = node.additionalProperties !== undefined || node.unevaluatedProperties === false || target?.additionalProperties !== undefined;
    // A node that is only a $ref/allOf part is closed by whoever uses it (boardView in boards[]).
    const isPart = path.startsWith('definitions.') || path.includes('.allOf');
    if (isObject && !closed && !isPart) open.push(path || '(top level)');
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties') for (const [pk, pv] of Object.entries(v as object)) walk(pv, path ? `${path}.${pk}` : pk);
      else if (k === 'items') walk(v, `${path}[]`);
      else if (k === 'definitions') for (const [dk, dv] of Object.entries(v as object)) walk(dv, `definitions.${dk}`);
      else if (k === 'allOf') (v as unknown[]).forEach((p, i) => walk(p, `${path}.allOf${i}`));
    }
  };
  walk(schema, '');
  t.same(open, [], 'objects that accept any key');
});

t.test('did-you-mean distance', async (t) => {
  t.equal(editDistance('lanse', 'lanes'), 1, 'a swapped pair is one edit');
  t.equal(nearest('brightnes', ['brightness', 'lanes']), 'brightness');
  t.equal(nearest('colour', ['lanes', 'layout']), undefined, 'nothing close: no guess');
});

// Hostile input: whatever a config file holds, the answer is a config or one ConfigError line,
// never a TypeError from deep inside (settings arrive from files, env and flags alike).
t.test('any input: a config or one clear ConfigError line', async (t) => {
  const fc = (await import('fast-check')).default;
  const schema = JSON.parse(readFileSync('bridge/config/schema.json', 'utf8'));
  const top = Object.keys(schema.properties);
  const boardKeys = ['id', 'ledCount', 'selector', ...Object.keys(schema.definitions.boardView.properties), 'lanse'];
  const value = fc.jsonValue({ maxDepth: 3 });
  const board = fc.dictionary(fc.constantFrom(...boardKeys), fc.oneof(value, fc.constantFrom('desk-1', 'app in (x', 'node', '=')), { maxKeys: 5 });
  const config = fc.dictionary(fc.oneof(fc.constantFrom(...top), fc.string({ maxLength: 8 })), fc.oneof(value, fc.array(board, { maxLength: 3 }), board), { maxKeys: 6 });
  let refused = 0;
  fc.assert(
    fc.property(config, (settings) => {
      try {
        loadConfig({ env: {}, overrides: structuredClone(settings) });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        if (err.message.includes('\n')) throw new Error(`not one line: ${err.message}`);
        refused += 1;
      }
    }),
    { numRuns: 400, seed: 20261130 },
  );
  t.ok(refused > 0, `refused ${refused} of 400`);
});
