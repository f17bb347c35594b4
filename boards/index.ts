// Board profiles: list, get and validate boards/*.json against boards/schema.json. Used by
// firmware/build.ts and by the bridge's `podlights boards` command.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';

const require = createRequire(import.meta.url);
const Ajv = require('ajv') as typeof import('ajv').default;

export type Runtime = 'espruino' | 'lua5.1' | 'lua5.3' | 'bridge' | 'virtual';

export interface BoardProfile {
  name: string;
  description: string;
  runtime: Runtime;
  mcu?: string;
  chip: 'ws2812' | 'apa102';
  ledCount: number;
  colorOrder: string;
  pins: { data?: string | number; clock?: string | number };
  transport: 'mqtt' | 'serial' | 'gpio' | 'none';
  layout: 'compact' | 'grouped' | 'stable';
  brightness?: number;
  fps: number;
  currentCap: number;
  maPerChannel?: number;
  maxFrame?: number;
  /** Most pods the firmware tracks (beyond: aggregation of what it holds, never out of memory). */
  maxPods?: number;
}

export const BOARDS_DIR = import.meta.dirname;
const schema = JSON.parse(readFileSync(join(BOARDS_DIR, 'schema.json'), 'utf8'));
const validator = new Ajv({ allErrors: true, useDefaults: true, allowUnionTypes: true }).compile(schema);

export interface Validation {
  ok: boolean;
  errors: string[];
}

/** Checks a profile object against the schema (filling defaults in place). */
export function validateBoard(profile: unknown): Validation {
  const ok = validator(profile) as boolean;
  const errors = (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message}`);
  return { ok, errors };
}

/** Names of every profile in boards/. */
export function listBoards(): string[] {
  return readdirSync(BOARDS_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'schema.json')
    .map((f) => f.slice(0, -5))
    .sort();
}

/** Loads and validates one profile; throws with the reasons when it is invalid or unknown. */
export function getBoard(name: string): BoardProfile {
  if (!listBoards().includes(name)) throw new Error(`unknown board profile '${name}' (known: ${listBoards().join(', ')})`);
  const profile = JSON.parse(readFileSync(join(BOARDS_DIR, `${name}.json`), 'utf8'));
  const v = validateBoard(profile);
  if (!v.ok) throw new Error(`board profile ${name} is invalid: ${v.errors.join('; ')}`);
  if (profile.name !== name) throw new Error(`board profile ${name}.json says its name is ${profile.name}`);
  return profile as BoardProfile;
}

export function allBoards(): BoardProfile[] {
  return listBoards().map(getBoard);
}
