// Size passes over the minified Espruino file (bundle.ts, after esbuild), each keeping what the
// code does:
//   - in every function that says `this` often (the core's classes: `this.x` on every field),
//     `let T=this` once and `T` instead, 3 bytes a use. Arrow functions share their parent's
//     `this`, so they are rewritten with it; other functions and classes inside keep their own.
//     The alias is a name the function does not mention anywhere (as a variable, property or
//     global), so nothing is shadowed;
//   - top-level function declarations that use neither `this` nor `arguments` and are never
//     constructed become arrow functions in a `var` (`var f=(a,b)=>e` for a single return). Espruino
//     does not hoist function declarations (check.ts rejects a call before the declaration), so
//     the order of definition already is what it was;
//   - adjacent top-level `var` statements become one.
// Node only.
import * as ts from 'typescript';

const NAMES = '$_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function freeName(used: Set<string>): string | undefined {
  for (const a of NAMES) if (!used.has(a)) return a;
  for (const a of NAMES) for (const b of NAMES + '0123456789') if (!used.has(a + b)) return a + b;
  return undefined;
}

interface Edit {
  at: number;
  end: number;
  text: string;
}

function apply(code: string, edits: Edit[]): string {
  let out = code;
  // Right to left; where an insertion and a replacement start at the same place, the replacement first.
  for (const e of edits.sort((a, b) => b.at - a.at || b.end - a.end)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

/** `this` keywords of `fn` itself (arrow functions included, other functions and classes not), and every name in it. */
function ownThis(fn: ts.Node): { uses: ts.Node[]; names: Set<string>; args: boolean } {
  const uses: ts.Node[] = [];
  const names = new Set<string>();
  let args = false;
  const walk = (m: ts.Node, own: boolean): void => {
    if (ts.isIdentifier(m) || ts.isPrivateIdentifier(m)) names.add(m.text);
    if (ts.isIdentifier(m) && m.text === 'arguments' && own) args = true;
    if (m.kind === ts.SyntaxKind.ThisKeyword && own) uses.push(m);
    const inner = m !== fn && ((ts.isFunctionLike(m) && !ts.isArrowFunction(m)) || ts.isClassLike(m));
    ts.forEachChild(m, (c) => walk(c, own && !inner));
  };
  walk(fn, true);
  return { uses, names, args };
}

export function aliasThis(code: string): string {
  const sf = ts.createSourceFile('out.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n)) && n.body) {
      const { uses, names } = ownThis(n);
      const alias = freeName(names);
      // Joined to a `let` the body starts with, else a statement of its own.
      const first = n.body.statements[0];
      const joins = first !== undefined && ts.isVariableStatement(first) && (first.declarationList.flags & ts.NodeFlags.Let) !== 0;
      const decl = joins ? `${alias}=this,` : `let ${alias}=this;`;
      if (alias !== undefined && uses.length * (4 - alias.length) > decl.length) {
        const at = joins ? first.declarationList.declarations[0].getStart(sf) : n.body.getStart(sf) + 1;
        edits.push({ at, end: at, text: decl });
        for (const u of uses) edits.push({ at: u.getStart(sf), end: u.getEnd(), text: alias });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return apply(code, edits);
}

/** The statements of the bundle's IIFE (its top level). */
function topLevel(sf: ts.SourceFile): ts.NodeArray<ts.Statement> | undefined {
  let top: ts.NodeArray<ts.Statement> | undefined;
  const find = (n: ts.Node): void => {
    if (top === undefined && (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.body && ts.isBlock(n.body)) top = n.body.statements;
    else if (top === undefined) ts.forEachChild(n, find);
  };
  find(sf);
  return top;
}

/** `var a=1;var b=2` -> `var a=1,b=2` at the top level. */
export function mergeVars(code: string): string {
  const sf = ts.createSourceFile('out.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const top = topLevel(sf) ?? ts.factory.createNodeArray<ts.Statement>([]);
  const isVar = (s: ts.Statement | undefined): s is ts.VariableStatement =>
    s !== undefined && ts.isVariableStatement(s) && (s.declarationList.flags & ts.NodeFlags.BlockScoped) === 0;
  const edits: Edit[] = [];
  for (let i = 0; i + 1 < top.length; i++) {
    const a = top[i];
    const b = top[i + 1];
    if (isVar(a) && isVar(b) && a.getText(sf).endsWith(';') && a.getEnd() === b.getStart(sf)) {
      edits.push({ at: a.getEnd() - 1, end: b.declarationList.declarations[0].getStart(sf), text: ',' });
    }
  }
  return apply(code, edits);
}

export function functionsToArrows(code: string): string {
  const sf = ts.createSourceFile('out.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const constructed = new Set<string>();
  const findNew = (n: ts.Node): void => {
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression)) constructed.add(n.expression.text);
    ts.forEachChild(n, findNew);
  };
  findNew(sf);
  const edits: Edit[] = [];
  for (const s of topLevel(sf) ?? []) {
    if (!ts.isFunctionDeclaration(s) || !s.name || !s.body || s.asteriskToken || ts.getModifiers(s)?.length || constructed.has(s.name.text)) continue;
    const { uses, args } = ownThis(s);
    if (uses.length > 0 || args) continue;
    const params = s.parameters.map((p) => p.getText(sf)).join(',');
    const head = s.parameters.length === 1 && ts.isIdentifier(s.parameters[0].name) ? params : `(${params})`;
    const only = s.body.statements.length === 1 ? s.body.statements[0] : undefined;
    let body = s.body.getText(sf);
    if (only !== undefined && ts.isReturnStatement(only) && only.expression) {
      const e = only.expression;
      const text = e.getText(sf);
      // An object literal or a comma list would read differently after `=>`.
      body = ts.isObjectLiteralExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) ? `(${text})` : text;
    }
    edits.push({ at: s.getStart(sf), end: s.getEnd(), text: `var ${s.name.text}=${head}=>${body};` });
  }
  return apply(code, edits);
}

/**
 * `for (let k of xs) body` whose body makes a closure over `k` becomes `xs.forEach(function (k)
 * {body})`: Espruino has one `k` for the whole loop, so every closure would see the last one
 * (esbuild's export getters, `__copyProps`, in bundles with a globalName). Loops whose body
 * breaks, continues or returns are left to check.ts to reject.
 */
export function loopClosures(code: string): string {
  const sf = ts.createSourceFile('out.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits: Edit[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isForOfStatement(n) || ts.isForInStatement(n)) && ts.isVariableDeclarationList(n.initializer) && (n.initializer.flags & ts.NodeFlags.BlockScoped) !== 0) {
      const d = n.initializer.declarations[0];
      const name = ts.isIdentifier(d.name) ? d.name.text : undefined;
      let closure = false;
      let jumps = false;
      const walk = (m: ts.Node, inFn: boolean): void => {
        if (!inFn && (ts.isBreakStatement(m) || ts.isContinueStatement(m) || ts.isReturnStatement(m))) jumps = true;
        if (inFn && ts.isIdentifier(m) && m.text === name) closure = true;
        ts.forEachChild(m, (c) => walk(c, inFn || ts.isFunctionLike(m)));
      };
      walk(n.statement, false);
      if (name !== undefined && closure && !jumps && !(ts.isForOfStatement(n) && n.awaitModifier)) {
        const list = n.expression.getText(sf);
        const over = ts.isForOfStatement(n) ? `(${list})` : `Object.keys(${list})`;
        edits.push({ at: n.getStart(sf), end: n.getEnd(), text: `${over}.forEach(function(${name}){${n.statement.getText(sf)}});` });
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return apply(code, edits);
}
