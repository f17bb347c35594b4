// The bridge's configuration: a JSON file, then environment overrides, then the schema's
// defaults, then validation. Errors name the setting and say what is wrong; the bridge refuses
// to start on a bad config instead of half-running.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;
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
  };
  serial: { path: string; baudRate: number }[];
  boardDefaults: BoardViewSettings;
  boards: BoardSettings[];
  http: { host: string; port: number; enabled: boolean };
  flushMs: number;
  heartbeatTimeoutMs: number;
  retainEveryMs: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  $ref?: string;
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

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
  if (e.keyword === 'additionalProperties') return `${where}: unknown setting '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'enum') return `${where}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${where}: ${e.message}`;
}

export interface LoadOptions {
  file?: string;
  /** Settings from command-line flags; they win over the file and the environment. */
  overrides?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
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
  // Boards inherit boardDefaults before the schema fills in its own defaults.
  const defaults = (merged.boardDefaults ?? {}) as Record<string, unknown>;
  if (Array.isArray(merged.boards) && typeof defaults === 'object') {
    merged.boards = merged.boards.map((b: unknown) => (b && typeof b === 'object' ? { ...defaults, ...(b as object) } : b));
  }
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  if (!validate(merged)) {
    throw new ConfigError(`invalid configuration${options.file ? ` in ${options.file}` : ''}:\n  ${(validate.errors ?? []).map(describe).join('\n  ')}`);
  }
  const config = merged as unknown as BridgeConfig;
  const ids = config.boards.map((b) => b.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new ConfigError(`invalid configuration: board '${twice}' is listed twice`);
  return config;
}
