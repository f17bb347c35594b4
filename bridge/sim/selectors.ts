// Label and field selectors, parsed from their query-string form (what clients send) or built
// from a LabelSelector spec (what workloads carry). Parse errors become 400s, as on a cluster.
import { errors } from './errors.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject, LabelSelectorSpec } from './types.ts';

type Op = 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Gt' | 'Lt';

interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export interface LabelSelector {
  matches(labels: Record<string, string> | undefined): boolean;
  readonly empty: boolean;
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string, whole: string): string {
  if (!KEY.test(key) || key.length > 317) throw errors.badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!VALUE.test(value) || value.length > 63) throw errors.badRequest(`unable to parse requirement: invalid label value "${value}" in selector "${whole}"`);
  return value;
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseRequirement(raw: string, whole: string): Requirement {
  const s = raw.trim();
  if (s === '') throw errors.badRequest(`unable to parse requirement: empty requirement in selector "${whole}"`);
  let m = /^!\s*(\S+)$/.exec(s);
  if (m) return { key: checkKey(m[1], whole), op: 'DoesNotExist', values: [] };
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (m) {
    const values = m[3].split(',').map((v) => checkValue(v.trim(), whole));
    return { key: checkKey(m[1], whole), op: m[2] === 'in' ? 'In' : 'NotIn', values };
  }
  m = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(s);
  if (m) {
    const op: Op = m[2] === '!=' ? 'NotEquals' : m[2] === '<' ? 'Lt' : m[2] === '>' ? 'Gt' : 'Equals';
    const value = m[3].trim();
    if ((op === 'Lt' || op === 'Gt') && !/^-?\d+$/.test(value)) throw errors.badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
    return { key: checkKey(m[1], whole), op, values: [op === 'Lt' || op === 'Gt' ? value : checkValue(value, whole)] };
  }
  if (/^\S+$/.test(s)) return { key: checkKey(s, whole), op: 'Exists', values: [] };
  throw errors.badRequest(`unable to parse requirement: found '${s}', expected: '=', '!=', '==', 'in', notin'`);
}

function matchOne(r: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key] : undefined;
  switch (r.op) {
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Equals': return has && v === r.values[0];
    case 'NotEquals': return !has || v !== r.values[0];
    case 'In': return has && r.values.includes(v as string);
    case 'NotIn': return !has || !r.values.includes(v as string);
    case 'Gt': return has && /^-?\d+$/.test(v as string) && Number(v) > Number(r.values[0]);
    case 'Lt': return has && /^-?\d+$/.test(v as string) && Number(v) < Number(r.values[0]);
  }
}

function fromRequirements(reqs: Requirement[]): LabelSelector {
  return { empty: reqs.length === 0, matches: (labels) => reqs.every((r) => matchOne(r, labels)) };
}

export const EVERYTHING: LabelSelector = fromRequirements([]);

export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  if (!text || !text.trim()) return EVERYTHING;
  return fromRequirements(splitTop(text).map((p) => parseRequirement(p, text)));
}

/** A workload's selector; an empty spec selects everything, as in apps/v1. */
export function labelSelectorFromSpec(spec: LabelSelectorSpec | undefined): LabelSelector {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(spec?.matchLabels ?? {})) reqs.push({ key, op: 'Equals', values: [value] });
  for (const e of spec?.matchExpressions ?? []) reqs.push({ key: e.key, op: e.operator, values: e.values ?? [] });
  return fromRequirements(reqs);
}

/** The string form (`app=x,tier in (a,b)`), as Scale status.selector and kubectl show it. */
export function labelSelectorString(spec: LabelSelectorSpec | undefined): string {
  const parts = Object.entries(spec?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of spec?.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

// ---- field selectors ----

interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

export interface FieldSelector {
  matches(obj: KubeObject): boolean;
  readonly empty: boolean;
  /** The one node a selector pins `spec.nodeName` to, if any (lets watchers skip work). */
  readonly requirements: readonly FieldRequirement[];
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return path === 'spec.unschedulable' ? 'false' : '';
  return String(cur);
}

function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** Splits on `,` not escaped with a backslash. */
function splitEscaped(text: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[++i];
    } else if (ch === ',') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

export function parseFieldSelector(text: string | undefined | null, res: ResourceType): FieldSelector {
  const reqs: FieldRequirement[] = [];
  if (text && text.trim()) {
    for (const part of splitEscaped(text)) {
      const m = /^\s*([^=!\s]+)\s*(==|=|!=)(.*)$/.exec(part);
      if (!m) throw errors.badRequest(`invalid field selector: '${part}': expected field=value, field==value or field!=value`);
      const field = m[1];
      if (field !== 'metadata.name' && field !== 'metadata.namespace' && !res.fields.includes(field)) {
        throw errors.badRequest(`field label not supported: ${field}`);
      }
      reqs.push({ field, value: unescapeField(m[3].trim()), negate: m[2] === '!=' });
    }
  }
  return {
    empty: reqs.length === 0,
    requirements: reqs,
    matches: (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate),
  };
}
