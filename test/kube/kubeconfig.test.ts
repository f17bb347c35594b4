// The kubeconfig reader the bridge uses instead of client-node's (bridge/kube/kubeconfig.ts): what
// real kubeconfigs carry reaches the request options, files merge as kubectl merges KUBECONFIG,
// relative paths resolve against the file that names them, and users with an exec plugin go
// through client-node (loaded only then).
import t from 'tap';
import http from 'node:http';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ContextAccess, defaultKubeconfigFiles, inClusterKubeconfig, parseKubeconfig, readKubeconfigFiles } from '../../bridge/kube/kubeconfig.ts';
import { fromKubeconfig, inCluster } from '../../bridge/kube/connect.ts';
import { KubeHttp } from '../../bridge/kube/http.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function optionsOf(access: ContextAccess): Promise<https.RequestOptions & { headers: Record<string, unknown> }> {
  const opts: https.RequestOptions = { headers: {} };
  await access.applyToHTTPSOptions(opts);
  return opts as https.RequestOptions & { headers: Record<string, unknown> };
}

t.test('every credential kind of a real kubeconfig reaches the request', async (t) => {
  const dir = t.testdir({
    pki: { 'ca.crt': 'CA-FILE', 'me.crt': 'CERT-FILE', 'me.key': 'KEY-FILE', token: 'file-token\n' },
  });
  const file = join(dir, 'config');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
current-context: files
clusters:
- name: by-file
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority: pki/ca.crt
    tls-server-name: kubernetes.default
- name: by-data
  cluster:
    server: https://api.example.com
    certificate-authority-data: ${b64('CA-DATA')}
- name: insecure
  cluster:
    server: https://api.example.com
    insecure-skip-tls-verify: true
users:
- name: files
  user:
    client-certificate: pki/me.crt
    client-key: ${join(dir, 'pki/me.key')}
    tokenFile: pki/token
- name: data
  user:
    client-certificate-data: ${b64('CERT-DATA')}
    client-key-data: ${b64('KEY-DATA')}
    token: static-token
    as: jane
    as-groups: [devs, ops]
    as-uid: "42"
- name: basic
  user: {username: admin, password: s3cret}
contexts:
- name: files
  context: {cluster: by-file, user: files, namespace: shop}
- name: data
  context: {cluster: by-data, user: data}
- name: insecure
  context: {cluster: insecure, user: basic}
- name: nobody
  context: {cluster: by-data, user: not-defined}
`,
  );
  const config = readKubeconfigFiles([file], { mustExist: true });
  t.equal(config.currentContext, 'files');

  const files = new ContextAccess(config, 'files');
  t.equal(files.getCurrentCluster().server, 'https://10.0.0.1:6443', 'a trailing slash is dropped');
  t.equal(files.namespace, 'shop');
  let o = await optionsOf(files);
  t.equal(String(o.ca), 'CA-FILE', 'a relative CA path resolves against the kubeconfig directory');
  t.equal(String(o.cert), 'CERT-FILE');
  t.equal(String(o.key), 'KEY-FILE', 'an absolute path is taken as it is');
  t.equal(o.servername, 'kubernetes.default', 'tls-server-name');
  t.equal(o.rejectUnauthorized, undefined);
  t.equal(o.headers.Authorization, 'Bearer file-token', 'tokenFile, trimmed');
  writeFileSync(join(dir, 'pki/token'), 'rotated-token');
  o = await optionsOf(files);
  t.equal(o.headers.Authorization, 'Bearer rotated-token', 'a token file is read again (projected tokens rotate)');

  o = await optionsOf(new ContextAccess(config, 'data'));
  t.equal(String(o.ca), 'CA-DATA');
  t.equal(String(o.cert), 'CERT-DATA');
  t.equal(String(o.key), 'KEY-DATA');
  t.equal(o.headers.Authorization, 'Bearer static-token');
  t.equal(o.headers['Impersonate-User'], 'jane');
  t.same(o.headers['Impersonate-Group'], ['devs', 'ops']);
  t.equal(o.headers['Impersonate-Uid'], '42');

  o = await optionsOf(new ContextAccess(config, 'insecure'));
  t.equal(o.rejectUnauthorized, false, 'insecure-skip-tls-verify');
  t.equal(o.auth, 'admin:s3cret', 'basic auth');
  t.equal(o.headers.Authorization, undefined);

  o = await optionsOf(new ContextAccess(config, 'nobody'));
  t.equal(o.headers.Authorization, undefined, 'a user nobody defines: no credentials, as kubectl');
  t.equal(o.cert, undefined);
});

t.test('KUBECONFIG: several files merged as kubectl merges them', async (t) => {
  const dir = t.testdir({
    a: { 'ca.crt': 'CA-OF-A' },
    b: { 'ca.crt': 'CA-OF-B' },
  });
  const a = join(dir, 'a', 'config');
  const b = join(dir, 'b', 'config');
  writeFileSync(
    a,
    'clusters:\n- name: shared\n  cluster: {server: "https://a", certificate-authority: ca.crt}\n' +
      'users:\n- name: u\n  user: {token: from-a}\n' +
      'contexts:\n- name: shared\n  context: {cluster: shared, user: u}\n',
  );
  writeFileSync(
    b,
    'current-context: only-b\n' +
      'clusters:\n- name: shared\n  cluster: {server: "https://b"}\n- name: b\n  cluster: {server: "https://b-only", certificate-authority: ca.crt}\n' +
      'users:\n- name: u\n  user: {token: from-b}\n' +
      'contexts:\n- name: shared\n  context: {cluster: b, user: u}\n- name: only-b\n  context: {cluster: b, user: u}\n',
  );
  const files = defaultKubeconfigFiles({ KUBECONFIG: [a, join(dir, 'missing'), '', b].join(delimiter) });
  t.same(files, [a, join(dir, 'missing'), b], 'the path list, empty entries dropped');
  const config = readKubeconfigFiles(files);
  t.equal(config.currentContext, 'only-b', 'the first non-empty current-context');
  const shared = new ContextAccess(config, 'shared');
  t.equal(shared.getCurrentCluster().server, 'https://a', 'the first file to name a cluster keeps it');
  t.equal((await optionsOf(shared)).headers.Authorization, 'Bearer from-a', 'and a user');
  t.equal(String((await optionsOf(shared)).ca), 'CA-OF-A');
  const onlyB = new ContextAccess(config, 'only-b');
  t.equal(String((await optionsOf(onlyB)).ca), 'CA-OF-B', 'relative paths resolve against the file that names them');
  t.same(defaultKubeconfigFiles({ HOME: dir }).length, 1, 'no KUBECONFIG: one default file');
  t.throws(() => readKubeconfigFiles([join(dir, 'missing')], { mustExist: true }), /no such file/, 'a file named with --kubeconfig must exist');

  // fromKubeconfig without a file reads $KUBECONFIG.
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = [a, b].join(delimiter);
  t.teardown(() => (saved === undefined ? delete process.env.KUBECONFIG : (process.env.KUBECONFIG = saved)));
  t.same(
    fromKubeconfig({}).map((s) => s.name),
    ['only-b'],
  );
  t.same(
    fromKubeconfig({ contexts: ['shared', 'only-b'] }).map((s) => s.name),
    ['shared', 'only-b'],
    '--context picks contexts',
  );
});

t.test('what the reader refuses, it says clearly', async (t) => {
  const proxied = 'clusters:\n- name: c\n  cluster: {server: "https://x", proxy-url: "socks5://proxy:1080"}\ncontexts:\n- name: c\n  context: {cluster: c}\ncurrent-context: c\n';
  t.throws(() => fromKubeconfig({ text: proxied }), /proxy-url socks5:\/\/proxy:1080: proxies are not supported/);
  t.throws(() => fromKubeconfig({ text: 'contexts:\n- name: c\n  context: {cluster: gone}\ncurrent-context: c\n' }), /names cluster 'gone', which is not defined/);
  t.throws(() => fromKubeconfig({ text: 'clusters:\n- name: c\n  cluster: {}\n' }), /cluster 'c' has no server/);
  t.throws(() => fromKubeconfig({ text: 'clusters: [\n' }), /cannot load kubeconfig/);
  t.throws(() => parseKubeconfig('contexts: 3\n'), /contexts is not a list/);
});

t.test('in-cluster: the service account and the API server from the environment', async (t) => {
  const root = t.testdir({ token: 'sa-token\n', 'ca.crt': 'SA-CA', namespace: 'podlights' });
  const config = inClusterKubeconfig({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, root);
  const access = new ContextAccess(config, config.currentContext);
  t.equal(access.getCurrentCluster().server, 'https://[fd00::1]:443', 'an IPv6 host in brackets');
  t.equal(access.namespace, 'podlights');
  const o = await optionsOf(access);
  t.equal(o.headers.Authorization, 'Bearer sa-token');
  t.equal(String(o.ca), 'SA-CA');
  t.throws(() => inClusterKubeconfig({}, root), /KUBERNETES_SERVICE_HOST/);
  t.throws(() => inClusterKubeconfig({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '443' }, join(root, 'nowhere')), /no service account token/);
  // Outside a pod (this test), inCluster() says so.
  if (!process.env.KUBERNETES_SERVICE_HOST) t.throws(() => inCluster(), /not running in a cluster/);
});

t.test('an exec credential plugin runs through client-node, and the token reaches the server', async (t) => {
  const dir = t.testdir({ bin: {} });
  const plugin = join(dir, 'bin', 'cred.js');
  writeFileSync(
    plugin,
    `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-plugin' } }));\n`,
  );
  chmodSync(plugin, 0o755);
  let seen = '';
  const server = http.createServer((req, res) => {
    seen = String(req.headers.authorization);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind":"Status"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(join(dir, 'conf'));
  const file = join(dir, 'conf', 'config');
  // The command has a path separator: relative to the kubeconfig's directory, as kubectl reads it.
  writeFileSync(
    file,
    `clusters:\n- name: c\n  cluster: {server: "${url}"}\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ../bin/cred.js\n      interactiveMode: Never\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
  );
  const [source] = fromKubeconfig({ file });
  const kh = new KubeHttp(source.kubeConfig);
  t.teardown(() => kh.close());
  await kh.get('/version');
  t.equal(seen, 'Bearer from-plugin');
});
