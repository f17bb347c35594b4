// Speed figures for `npm run bench:firmware` (test/firmware/bench-probe.ts scenes):
//   - an Espruino cost model the CI can run: the probe's Espruino build (typed-array stores, as on
//     a board) with every element access rewritten to a counting call, run in an Espruino-shaped
//     vm. On Espruino a plain Array is a linked list, so reading or writing a[i] walks i + 1
//     elements; a typed array is flat, one step an access; any other indexed read (an object
//     keyed by number, a string) counts one. The same probe built with plain stores (what the
//     core used before) is the baseline of the same run;
//   - microseconds in real lua5.1, timed with os.clock over many repetitions.
import vm from 'node:vm';
import * as ts from 'typescript';
import { buildEspruino } from '../../firmware/targets/espruino/bundle.ts';
import { buildLuaBundle } from '../../firmware/targets/nodemcu/bundle.ts';
import { espruinoContext } from '../firmware/runtimes.ts';
import { luaCliMissing, runLuaCli } from '../helpers/lua.ts';

export const PROBE = 'test/firmware/bench-probe.ts';
export const SIZES = [12, 60, 200];

/** `code` with every element access counted through $g/$s/$a/$u (see costModel). */
export function instrument(code: string): string {
  const sf = ts.createSourceFile('probe.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const print = (n: ts.Node): string => {
    if (ts.isElementAccessExpression(n)) return `$g(${print(n.expression)},${print(n.argumentExpression)})`;
    if (ts.isBinaryExpression(n) && ts.isElementAccessExpression(n.left)) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) return `$s(${print(n.left.expression)},${print(n.left.argumentExpression)},${print(n.right)})`;
      if (op >= ts.SyntaxKind.FirstCompoundAssignment && op <= ts.SyntaxKind.LastCompoundAssignment) {
        const text = n.operatorToken.getText(sf);
        return `$a(${print(n.left.expression)},${print(n.left.argumentExpression)},(x)=>x${text.slice(0, -1)}(${print(n.right)}))`;
      }
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && ts.isElementAccessExpression(n.operand)) {
      const d = n.operator === ts.SyntaxKind.PlusPlusToken ? 1 : n.operator === ts.SyntaxKind.MinusMinusToken ? -1 : 0;
      if (d !== 0) return `$u(${print(n.operand.expression)},${print(n.operand.argumentExpression)},${d},${ts.isPrefixUnaryExpression(n)})`;
    }
    // Everything else: the node's own text with its children printed the same way.
    let out = '';
    let at = n.getStart(sf);
    const kids: ts.Node[] = [];
    n.forEachChild((c) => {
      kids.push(c);
    });
    for (const c of kids) {
      out += code.slice(at, c.getStart(sf)) + print(c);
      at = c.getEnd();
    }
    return out + code.slice(at, n.getEnd());
  };
  return print(sf);
}

/** The counting helpers: plain arrays cost the walk to the element, typed arrays one step. */
function costModel(): { cost: { n: number }; helpers: Record<string, unknown> } {
  const cost = { n: 0 };
  const charge = (o: unknown, k: unknown): void => {
    if (Array.isArray(o)) cost.n += typeof k === 'number' && k >= 0 ? k + 1 : o.length;
    else cost.n += 1;
  };
  const helpers = {
    $g: (o: Record<string | number, unknown>, k: string | number) => {
      charge(o, k);
      return o[k];
    },
    $s: (o: Record<string | number, unknown>, k: string | number, v: unknown) => {
      charge(o, k);
      return (o[k] = v);
    },
    $a: (o: Record<string | number, unknown>, k: string | number, f: (x: unknown) => unknown) => {
      charge(o, k);
      return (o[k] = f(o[k]));
    },
    $u: (o: Record<string | number, number>, k: string | number, d: number, prefix: boolean) => {
      charge(o, k);
      const old = o[k];
      o[k] = old + d;
      return prefix ? old + d : old;
    },
  };
  return { cost, helpers };
}

type Probe = Record<string, (...a: unknown[]) => number>;

async function espruinoProbe(typed: boolean): Promise<{ probe: Probe; cost: { n: number } }> {
  const { code } = await buildEspruino({ entry: PROBE, globalName: 'H', mangle: false, typedStores: typed });
  const { cost, helpers } = costModel();
  const ctx = espruinoContext(helpers);
  vm.runInContext(instrument(code), ctx);
  return { probe: ctx.H as Probe, cost };
}

export interface Costs {
  /** name (espruino-cost-render-60) -> cost with typed-array stores, and with plain ones. */
  typed: Map<string, number>;
  plain: Map<string, number>;
}

/** One render, one delta (decode, apply, render) and one snapshot, for each size. */
export async function espruinoCosts(): Promise<Costs> {
  const out: Costs = { typed: new Map(), plain: new Map() };
  for (const typed of [true, false]) {
    const { probe, cost } = await espruinoProbe(typed);
    const into = typed ? out.typed : out.plain;
    for (const pods of SIZES) {
      probe.prepare(pods, 4);
      const measure = (name: string, f: () => void): void => {
        cost.n = 0;
        f();
        into.set(`espruino-cost-${name}-${pods}`, cost.n);
      };
      measure('snapshot', () => probe.applySnapshot());
      probe.setup();
      probe.renderOnce();
      measure('render', () => probe.renderOnce());
      probe.deltaOnce();
      measure('delta', () => probe.deltaOnce());
    }
  }
  return out;
}

/** Microseconds per render, delta and snapshot in lua5.1 (undefined without it). */
export function luaTimes(): Map<string, number> | undefined {
  if (luaCliMissing('lua5.1')) return undefined;
  const reps = 400;
  const calls: string[] = [];
  const timed = (body: string, n: number) =>
    `(function() local t = os.clock(); for i = 1, ${n} do ${body} end; return string.format("%.1f", (os.clock() - t) * 1e6 / ${n}) end)()`;
  for (const pods of SIZES) {
    calls.push(`m.prepare(${pods}, ${reps})`);
    calls.push(timed('m.applySnapshot()', 40));
    calls.push('m.setup()');
    calls.push(timed('m.renderOnce()', reps));
    calls.push('m.setup()');
    calls.push(timed('m.deltaOnce()', reps));
  }
  const lines = runLuaCli('lua5.1', { bundle: buildLuaBundle(PROBE, '5.1'), calls }).split('\n');
  const out = new Map<string, number>();
  SIZES.forEach((pods, i) => {
    const [, snapshot, , render, , delta] = lines.slice(i * 6, i * 6 + 6).map(Number);
    out.set(`lua-us-render-${pods}`, render);
    out.set(`lua-us-delta-${pods}`, delta);
    out.set(`lua-us-snapshot-${pods}`, snapshot);
  });
  return out;
}
