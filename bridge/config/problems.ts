// What is wrong with a config, said the way a user can fix it: the setting's path, what it must
// be, and for an unknown key the nearest known one ("did you mean 'lanes'?"), taken from the
// schema itself so the suggestions never drift from what is accepted.
import type { ErrorObject } from 'ajv';
import { parseLabelSelector } from '../sim/selectors.ts';

export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  allOf?: SchemaNode[];
  $ref?: string;
  'x-error'?: string;
  [key: string]: unknown;
}

/** Optimal string alignment distance: a swapped pair of letters (lanse/lanes) counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest known key, if it is close enough to be a typo rather than a different word. */
export function nearest(word: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(word.toLowerCase(), k.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  const allowed = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return bestDistance <= allowed ? best : undefined;
}

function resolve(node: SchemaNode, root: SchemaNode): SchemaNode {
  if (!node.$ref?.startsWith('#/')) return node;
  let at: unknown = root;
  for (const part of node.$ref.slice(2).split('/')) at = (at as Record<string, unknown>)[part];
  return at as SchemaNode;
}

/** Every key an object schema accepts, through $ref and allOf (a board is a boardView plus more). */
export function knownKeys(node: SchemaNode, root: SchemaNode): string[] {
  const keys = new Set(Object.keys(node.properties ?? {}));
  if (node.$ref) for (const k of knownKeys(resolve(node, root), root)) keys.add(k);
  for (const part of node.allOf ?? []) for (const k of knownKeys(part, root)) keys.add(k);
  return [...keys];
}

/** Every dotted path in the schema whose last key is `key`, for a key put at the wrong level. */
function pathsOf(key: string, node: SchemaNode, root: SchemaNode, prefix: string, depth = 0): string[] {
  if (depth > 4) return [];
  const out: string[] = [];
  const full = resolve(node, root);
  const children: Record<string, SchemaNode> = { ...(full.properties ?? {}) };
  for (const part of full.allOf ?? []) Object.assign(children, resolve(part, root).properties ?? {});
  for (const [k, child] of Object.entries(children)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (k === key) out.push(path);
    const items = child.items as SchemaNode | undefined;
    out.push(...pathsOf(key, items ? items : child, root, items ? `${path}[]` : path, depth + 1));
  }
  return out;
}

const where = (instancePath: string) => (instancePath ? instancePath.slice(1).replace(/\//g, '.') : '');

function unknownKey(e: ErrorObject, key: string, root: SchemaNode): string {
  const at = where(e.instancePath);
  const path = at ? `${at}.${key}` : key;
  const close = nearest(key, knownKeys(e.parentSchema as SchemaNode, root));
  if (close) return `${path}: unknown setting (did you mean '${close}'?)`;
  const elsewhere = pathsOf(key, root, root, '').filter((p) => p !== path);
  if (elsewhere.length > 0) return `${path}: unknown setting here (it belongs at ${elsewhere.slice(0, 2).join(' or ')})`;
  return `${path}: unknown setting`;
}

function describeOne(e: ErrorObject, root: SchemaNode): string {
  const at = where(e.instancePath) || '(top level)';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return unknownKey(e, String(params.additionalProperty), root);
  if (e.keyword === 'unevaluatedProperties') return unknownKey(e, String(params.unevaluatedProperty), root);
  if (e.keyword === 'enum') {
    const allowed = params.allowedValues as unknown[];
    const close = typeof e.data === 'string' ? nearest(e.data, allowed.map(String)) : undefined;
    return `${at}: must be one of ${allowed.join(', ')}${close ? ` (did you mean '${close}'?)` : ''}`;
  }
  const custom = (e.parentSchema as SchemaNode | undefined)?.['x-error'];
  if (custom && (e.keyword === 'pattern' || e.keyword === 'format')) {
    return e.propertyName !== undefined ? `${at}: key '${e.propertyName}' ${custom}` : `${at}: ${custom} (got '${String(e.data)}')`;
  }
  return `${at}: ${e.message}`;
}

/** One message per problem, in order, without the repeats allErrors can produce. */
export function describeErrors(errors: ErrorObject[], root: SchemaNode): string[] {
  // propertyNames reports twice (the name's own pattern, then "property name is invalid").
  const out = errors.filter((e) => e.keyword !== 'propertyNames').map((e) => describeOne(e, root));
  return [...new Set(out)];
}

/**
 * Label selectors are checked with the parser the view uses, so a selector the bridge would
 * fail on at start (or, on a board without ledCount, silently match nothing with) is refused here.
 */
export function checkSelectors(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (path: string, view: unknown) => {
    const selector = (view as { selector?: unknown } | undefined)?.selector;
    if (typeof selector !== 'string') return;
    try {
      parseLabelSelector(selector);
    } catch (err) {
      problems.push(`${path}.selector: ${(err as Error).message}`);
    }
  };
  check('boardDefaults', config.boardDefaults);
  if (Array.isArray(config.boards)) config.boards.forEach((b, i) => check(`boards.${i}`, b));
  return problems;
}
