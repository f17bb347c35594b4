// Kubeconfig files and the pod's service account, read without @kubernetes/client-node: that
// package costs 25-30 MB of RSS at import (its generated API models), which is half of what a
// bridge on every node may hold. What real kubeconfigs carry is read here: the server and its CA
// (file or data), insecure-skip-tls-verify, tls-server-name, client certificate and key (file or
// data), a bearer token or token file (re-read, as projected tokens rotate), basic auth,
// impersonation (as, as-groups, as-uid), the context's namespace, current-context, relative paths
// resolved against the file that names them, and several files merged the way kubectl merges
// KUBECONFIG (the first file to name a cluster, user or context wins; the first current-context
// wins; files that do not exist are skipped). Users with an exec plugin or an auth-provider
// (cloud logins) are handed to client-node, loaded only then. proxy-url is refused with a clear
// message: the bridge connects directly.
import { existsSync, readFileSync } from 'node:fs';
import type https from 'node:https';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export interface KubeCluster {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface KubeUser {
  name: string;
  token?: string;
  tokenFile?: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  username?: string;
  password?: string;
  impersonate?: string;
  impersonateGroups?: string[];
  impersonateUid?: string;
  /** Credential plugins: client-node runs these (loaded only for such users). */
  exec?: Record<string, unknown>;
  authProvider?: Record<string, unknown>;
}

export interface KubeContext {
  name: string;
  cluster: string;
  user?: string;
  namespace?: string;
}

/** One kubeconfig, or several merged. */
export interface Kubeconfig {
  clusters: Map<string, KubeCluster>;
  users: Map<string, KubeUser>;
  contexts: Map<string, KubeContext>;
  currentContext: string;
}

/**
 * What the HTTP client needs of a cluster connection: its server and the TLS options and
 * headers of a request. client-node's KubeConfig has the same two methods, so either serves.
 */
export interface KubeAccess {
  getCurrentCluster(): { server: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- raw kubeconfig YAML */
type Raw = Record<string, any>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** kubectl resolves relative paths in a kubeconfig against the directory of that file. */
const pathIn = (dir: string | undefined, v: unknown): string | undefined => {
  const p = str(v);
  return p === undefined || dir === undefined || isAbsolute(p) ? p : resolve(dir, p);
};

function named(list: unknown, what: string): [string, Raw][] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${what} is not a list`);
  return list.map((e: Raw, i) => {
    if (!e || typeof e !== 'object' || !str(e.name)) throw new KubeconfigError(`${what}[${i}].name is missing`);
    return [e.name as string, e];
  });
}

/**
 * One kubeconfig's text; `dir` is the directory relative paths in it are resolved against (the
 * file's own; none for text without a file).
 */
export function parseKubeconfig(text: string, dir?: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    // The YAML parser's message runs over several lines with a code excerpt; the first says it.
    throw new KubeconfigError((err as Error).message.split('\n')[0]);
  }
  const raw: Raw = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Raw) : {};
  const config: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: str(raw['current-context']) ?? '' };
  for (const [name, e] of named(raw.clusters, 'clusters')) {
    const c: Raw = e.cluster ?? {};
    const server = str(c.server);
    if (!server) throw new KubeconfigError(`cluster '${name}' has no server`);
    config.clusters.set(name, {
      name,
      server: server.replace(/\/$/, ''),
      caFile: pathIn(dir, c['certificate-authority']),
      caData: str(c['certificate-authority-data']),
      skipTLSVerify: c['insecure-skip-tls-verify'] === true,
      tlsServerName: str(c['tls-server-name']),
      proxyUrl: str(c['proxy-url']),
    });
  }
  for (const [name, e] of named(raw.users, 'users')) {
    const u: Raw = e.user ?? {};
    let exec: Raw | undefined;
    if (u.exec && typeof u.exec === 'object') {
      // kubectl: a command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
      const command = str(u.exec.command);
      exec = { ...u.exec, ...(command && /[\\/]/.test(command) ? { command: pathIn(dir, command) } : {}) };
    }
    const groups = u['as-groups'];
    config.users.set(name, {
      name,
      token: str(u.token),
      tokenFile: pathIn(dir, u.tokenFile ?? u['token-file']),
      certFile: pathIn(dir, u['client-certificate']),
      certData: str(u['client-certificate-data']),
      keyFile: pathIn(dir, u['client-key']),
      keyData: str(u['client-key-data']),
      username: str(u.username),
      password: typeof u.password === 'string' ? u.password : undefined,
      impersonate: str(u.as),
      impersonateGroups: Array.isArray(groups) ? groups.map(String) : undefined,
      impersonateUid: str(u['as-uid']),
      exec,
      authProvider: u['auth-provider'] && typeof u['auth-provider'] === 'object' ? (u['auth-provider'] as Raw) : undefined,
    });
  }
  for (const [name, e] of named(raw.contexts, 'contexts')) {
    const c: Raw = e.context ?? {};
    const cluster = str(c.cluster);
    if (!cluster) throw new KubeconfigError(`context '${name}' names no cluster`);
    config.contexts.set(name, { name, cluster, user: str(c.user), namespace: str(c.namespace) });
  }
  return config;
}

/** kubectl's merge: the first to define a name keeps it; the first non-empty current-context wins. */
export function mergeKubeconfigs(configs: Kubeconfig[]): Kubeconfig {
  const out: Kubeconfig = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
  for (const c of configs) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      const into = out[key] as Map<string, unknown>;
      for (const [name, v] of c[key]) if (!into.has(name)) into.set(name, v);
    }
    out.currentContext ||= c.currentContext;
  }
  return out;
}

/** One file (it must exist). */
export function readKubeconfigFile(file: string): Kubeconfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeconfigError((err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(err as Error).message}`);
  }
  try {
    return parseKubeconfig(text, dirname(resolve(file)));
  } catch (err) {
    throw new KubeconfigError(`${file}: ${(err as Error).message}`);
  }
}

/** The files kubectl reads by default: $KUBECONFIG (a path list), else ~/.kube/config. */
export function defaultKubeconfigFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  return list.length > 0 ? list : [join(homedir(), '.kube', 'config')];
}

/**
 * Several files merged as kubectl merges KUBECONFIG: files that do not exist are skipped, unless
 * `mustExist` (a file named with --kubeconfig).
 */
export function readKubeconfigFiles(files: string[], opts: { mustExist?: boolean } = {}): Kubeconfig {
  const seen = new Set<string>();
  const configs: Kubeconfig[] = [];
  for (const f of files) {
    const abs = resolve(f);
    if (seen.has(abs) || (!opts.mustExist && !existsSync(abs))) continue;
    seen.add(abs);
    configs.push(readKubeconfigFile(f));
  }
  return mergeKubeconfigs(configs);
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The pod's service account, as client-go's rest.InClusterConfig: the API server from
 * KUBERNETES_SERVICE_HOST/PORT, the CA and the (rotating, re-read) token mounted in the pod.
 */
export function inClusterKubeconfig(env: NodeJS.ProcessEnv = process.env, root = SERVICE_ACCOUNT): Kubeconfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new KubeconfigError('KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set');
  const tokenFile = join(root, 'token');
  if (!existsSync(tokenFile)) throw new KubeconfigError(`no service account token at ${tokenFile}`);
  let namespace: string | undefined;
  try {
    namespace = readFileSync(join(root, 'namespace'), 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const name = 'in-cluster';
  return {
    clusters: new Map([[name, { name, server, caFile: join(root, 'ca.crt'), skipTLSVerify: false }]]),
    users: new Map([[name, { name, tokenFile }]]),
    contexts: new Map([[name, { name, cluster: name, user: name, namespace }]]),
    currentContext: name,
  };
}

const fileOrData = (file: string | undefined, data: string | undefined): Buffer | undefined =>
  file !== undefined ? readFileSync(file) : data !== undefined ? Buffer.from(data, 'base64') : undefined;

/** One context of a kubeconfig: the connection the HTTP client uses. */
export class ContextAccess implements KubeAccess {
  readonly cluster: KubeCluster;
  readonly user: KubeUser;
  readonly context: KubeContext;
  private plugin: Promise<KubeAccess> | undefined;

  constructor(config: Kubeconfig, contextName: string) {
    const context = config.contexts.get(contextName);
    if (!context) throw new KubeconfigError(`no context '${contextName}'`);
    const cluster = config.clusters.get(context.cluster);
    if (!cluster) throw new KubeconfigError(`context '${contextName}' names cluster '${context.cluster}', which is not defined`);
    if (cluster.proxyUrl) {
      throw new KubeconfigError(`cluster '${cluster.name}' has proxy-url ${cluster.proxyUrl}: proxies are not supported; the bridge needs a direct route to ${cluster.server}`);
    }
    // kubectl treats a user the context names but nobody defines as no credentials.
    this.user = (context.user !== undefined ? config.users.get(context.user) : undefined) ?? { name: context.user ?? '' };
    this.cluster = cluster;
    this.context = context;
  }

  get namespace(): string | undefined {
    return this.context.namespace;
  }

  getCurrentCluster(): { server: string } {
    return this.cluster;
  }

  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const { cluster, user } = this;
    if (user.exec || user.authProvider) return (await (this.plugin ??= this.clientNode())).applyToHTTPSOptions(opts);
    if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
    if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
    const ca = fileOrData(cluster.caFile, cluster.caData);
    if (ca) opts.ca = ca;
    const cert = fileOrData(user.certFile, user.certData);
    if (cert) opts.cert = cert;
    const key = fileOrData(user.keyFile, user.keyData);
    if (key) opts.key = key;
    const headers = (opts.headers ??= {}) as Record<string, string | string[]>;
    // A token file is re-read on each request (list pages and watch starts, not events): a
    // projected service account token is replaced about every hour.
    const token = user.token ?? (user.tokenFile !== undefined ? readFileSync(user.tokenFile, 'utf8').trim() : undefined);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (user.username !== undefined) opts.auth = `${user.username}:${user.password ?? ''}`;
    if (user.impersonate) headers['Impersonate-User'] = user.impersonate;
    if (user.impersonateGroups?.length) headers['Impersonate-Group'] = user.impersonateGroups;
    if (user.impersonateUid) headers['Impersonate-Uid'] = user.impersonateUid;
  }

  /** A user with a credential plugin: client-node's KubeConfig with this one context. */
  private async clientNode(): Promise<KubeAccess> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const { cluster, user, context } = this;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
      clusters: [cluster.server.startsWith('http://') ? { ...cluster, skipTLSVerify: true } : cluster],
      users: [{ name: user.name, exec: user.exec, authProvider: user.authProvider, impersonateUser: user.impersonate }],
      contexts: [{ name: context.name, cluster: cluster.name, user: user.name, namespace: context.namespace }],
      currentContext: context.name,
    });
    return kc;
  }
}
