// The portable-subset lint rejects each forbidden construct with a message naming the rule, and
// the real portable folders pass it.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { formatViolation, lintPortable } from '../../tools/portable/lint.ts';
import { RULE_NAMES } from '../../tools/portable/rules.ts';

const cases: Record<string, string> = {
  'no-spread': 'export function f(a: number[]): number { return Math.max(...a); }',
  'no-destructuring': 'export function f(o: { a: number }): number { const { a } = o; return a; }',
  'no-for-of': 'export function f(a: number[]): number { let s = 0; for (const x of a) s = s + x; return s; }',
  'no-map-set': 'export const m = new Map<string, number>();',
  'no-symbol': 'export const s = Symbol("x");',
  'no-generators': 'export function* g(): Generator<number> { yield 1; }',
  'no-async': 'export async function f(): Promise<number> { return 1; }',
  'no-regexp': 'export function f(s: string): boolean { return /a+/.test(s); }',
  'no-default-params': 'export function f(a: number = 1): number { return a; }',
  'no-accessors': 'export class C { get x(): number { return 1; } }',
  'no-continue': 'export function f(a: number[]): number { let s = 0; for (let i = 0; i < a.length; i++) { if (a[i] < 0) continue; s = s + a[i]; } return s; }',
  'no-labels': 'export function f(): void { outer: for (let i = 0; i < 2; i++) { break outer; } }',
  'no-exceptions': 'export function f(x: number): number { if (x < 0) throw new Error("neg"); return x; }',
  'no-exponent': 'export const x = 2 ** 8;',
  'no-optional-chaining': 'export function f(o?: { a: number }): number | undefined { return o?.a; }',
  'no-bigint': 'export const b = BigInt(1);',
  'no-typed-arrays': 'export const b = new Uint8Array(4);',
  'no-missing-builtins': 'export function f(x: number): boolean { return Number.isInteger(x); }',
  'no-array-slice': 'export function f(a: number[]): number[] { return a.slice(1); }',
  'no-other-globals': 'export const r = Reflect.ownKeys({});',
  'no-core-array-literal': 'export function f(n: number): number[] { const a: number[] = []; for (let i = 0; i < n; i++) a.push(i); return a; }',
  'no-non-portable-import': 'import { readFileSync } from "node:fs"; export const r = readFileSync;',
};

const root = t.testdir({ protocol: { codec: {} }, firmware: { core: {} } });
const dir = join(root, 'firmware', 'core');
mkdirSync(dir, { recursive: true });

t.test('every rule has a failing example', async (t) => {
  const missing = RULE_NAMES.filter((name) => !(name in cases));
  t.same(missing, [], 'each rule is exercised');
});

for (const [rule, source] of Object.entries(cases)) {
  t.test(rule, async (t) => {
    const file = join(dir, `${rule}.ts`);
    writeFileSync(file, `${source}\n`);
    const found = lintPortable({ files: [file], root });
    t.ok(found.some((v) => v.rule === rule), `${rule} is reported`);
    const line = found.map(formatViolation).find((l) => l.includes(rule)) ?? '';
    t.match(line, new RegExp(`^firmware/core/${rule}\\.ts:\\d+:\\d+ ${rule}: .+`), 'message names file, position and rule');
  });
}

t.test('store.ts makes the plain stores; the codec may use array literals', async (t) => {
  const store = join(dir, 'store.ts');
  writeFileSync(store, 'export function newStore(n: number): number[] { const a: number[] = []; for (let i = 0; i < n; i++) a.push(0); return a; }\n');
  t.same(lintPortable({ files: [store], root }).map(formatViolation), []);
  const codec = join(root, 'protocol', 'codec', 'bytes.ts');
  writeFileSync(codec, 'export const empty: number[] = [];\n');
  t.same(lintPortable({ files: [codec], root }).map(formatViolation), []);
});

t.test('allowed code passes', async (t) => {
  const dir = join(root, 'protocol', 'codec');
  const file = join(dir, 'ok.ts');
  writeFileSync(
    file,
    [
      'import { g } from "./other.ts";',
      'export class Model { n: number; constructor() { this.n = 0; } add(x: number): number { this.n = this.n + x; return this.n; } }',
      'export function f(s: string, o?: { a: number }): number { const parts: number[] = []; for (let i = 0; i < s.length; i++) parts.push(s.charCodeAt(i)); return o !== undefined ? o.a + g(parts) : s.substring(1).length; }',
      'export const slicedString = "abc".slice(1);',
      'export const local = { Map: 1 }.Map;',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'other.ts'), 'export function g(a: number[]): number { return a.length; }\n');
  t.same(lintPortable({ files: [file], root }).map(formatViolation), []);
});

t.test('the repository passes `npm run lint:portable`', async (t) => {
  const r = spawnSync(process.execPath, ['bin/run.js', 'tools/portable-lint.ts'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /portable subset: \d+ files checked, 0 violations/);
});
