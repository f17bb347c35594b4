// The bridge's configuration: a YAML or JSON file, then environment overrides, then the schema's
// defaults, then validation. Errors name the setting and say what is wrong, on one line; the
// bridge refuses to start on a bad config instead of half-running.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { checkSelectors, describeErrors } from './problems.ts';
import type { SchemaNode } from './problems.ts';

const require = createRequire(import.meta.url);
// Draft 2019-09 for unevaluatedProperties: a board is a boardView plus its own keys, and both
// must be closed to unknown keys (draft-07's additionalProperties cannot see through allOf).
const Ajv2019 = require('ajv/dist/2019.js') as typeof import('ajv/dist/2019.js').default;
const schema = require('./schema.json') as SchemaNode;

export interface BoardViewSettings {
  lanes: 'cluster' | 'node' | 'namespace' | 'workload' | 'none';
  layout: 'compact' | 'grouped' | 'stable';
  brightness: number;
  currentCap?: number;
  fps?: number;
  clusters?: string[];
  namespaces?: string[];
  nodes?: string[];
  selector?: string;
  showAll: boolean;
}

export interface BoardSettings extends BoardViewSettings {
  id: string;
  profile?: string;
  ledCount?: number;
  transport?: string;
}

export interface BridgeConfig {
  kubeconfig?: string;
  contexts: string[];
  inCluster: boolean;
  nodeName?: string;
  mqtt: {
    url?: string;
    baseTopic: string;
    username?: string;
    password?: string;
    clientId?: string;
    ca?: string;
    cert?: string;
    key?: string;
    rejectUnauthorized: boolean;
  };
  broker: {
    host: string;
    port: number;
    bridgeUsername: string;
    bridgePassword?: string;
    boardPassword?: string;
    boardPasswords: Record<string, string>;
    allowAnonymous: boolean;
    tls?: { cert: string; key: string; ca?: string; requireClientCert: boolean };
  };
  serial: { path: string; baudRate: number }[];
  boardDefaults: BoardViewSettings;
  boards: BoardSettings[];
  http: { host: string; port: number; enabled: boolean };
  flushMs: number;
  heartbeatTimeoutMs: number;
  retainEveryMs: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  logFormat: 'auto' | 'pretty' | 'json';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** PODLIGHTS_<PATH> for every scalar leaf of the schema's objects (not arrays). */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (node: SchemaNode, path: string[], target: Record<string, unknown>): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const name = ['PODLIGHTS', ...path, key].map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
      if (child.type === 'object' && child.properties) {
        const sub: Record<string, unknown> = {};
        walk(child, [...path, key], sub);
        if (Object.keys(sub).length > 0) target[key] = sub;
      } else if (env[name] !== undefined && child.type !== 'array') {
        const raw = env[name]!;
        target[key] = child.type === 'integer' || child.type === 'number' ? Number(raw) : child.type === 'boolean' ? raw === 'true' || raw === '1' : raw;
      } else if (env[name] !== undefined && child.type === 'array') {
        target[key] = raw2list(env[name]!);
      }
    }
  };
  const raw2list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  walk(schema, [], out);
  if (env.NODE_NAME && out.nodeName === undefined) out.nodeName = env.NODE_NAME;
  return out;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export interface LoadOptions {
  file?: string;
  /** Settings from command-line flags; they win over the file and the environment. */
  overrides?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

// One compiled validator (compiling the schema costs a few MB of code and closures). It is held
// weakly: a bridge validates its config once at start, and the memory goes back after that; tests
// that load many configs in a row find it still there.
let cached: WeakRef<ReturnType<InstanceType<typeof Ajv2019>['compile']>> | undefined;

function validator() {
  let v = cached?.deref();
  if (!v) {
    // verbose: errors carry their schema node, which holds 'x-error' and the keys for "did you mean".
    v = new Ajv2019({ useDefaults: true, allErrors: true, strict: false, verbose: true }).compile(schema);
    cached = new WeakRef(v);
  }
  return v;
}

export function loadConfig(options: LoadOptions = {}): BridgeConfig {
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read config ${options.file}: ${(err as Error).message}`);
    }
    try {
      // YAML is a superset of JSON: one parser reads podlights.yaml and podlights.json alike.
      fromFile = (parseYaml(text) ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config ${options.file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) throw new ConfigError(`config ${options.file} must be a mapping of settings`);
  }
  const merged = merge(merge(fromFile, envOverrides(options.env ?? process.env)), options.overrides ?? {});
  const refuse = (problems: string[]) => new ConfigError(`invalid configuration${options.file ? ` in ${options.file}` : ''}: ${problems.join('; ')}`);
  // First the settings as written, before boards inherit boardDefaults: a typo in boardDefaults
  // is reported once, where it is, not once per board.
  // (On a copy: the defaults the validator fills in are not wanted yet.)
  const validate = validator();
  if (!validate(structuredClone(merged))) throw refuse(describeErrors(validate.errors ?? [], schema));
  const bad = checkSelectors(merged);
  if (bad.length > 0) throw refuse(bad);
  // Boards inherit boardDefaults before the schema fills in its own defaults.
  const defaults = (merged.boardDefaults ?? {}) as Record<string, unknown>;
  if (Array.isArray(merged.boards)) merged.boards = merged.boards.map((b: unknown) => ({ ...defaults, ...(b as object) }));
  if (!validate(merged)) throw refuse(describeErrors(validate.errors ?? [], schema));
  const config = merged as unknown as BridgeConfig;
  const ids = config.boards.map((b) => b.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw refuse([`boards: board '${twice}' is listed twice`]);
  return config;
}
