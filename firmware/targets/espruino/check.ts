// Rejects JavaScript that Espruino (2v2x) cannot run, by walking the syntax tree of the built
// file: destructuring, default and rest parameters, spread, optional chaining, `**`, async,
// generators, BigInt, regular expressions, and the globals it lacks (Map, Set, Symbol, Array.from,
// Math.imul, Number.isInteger, Uint8Array.from...). Also flags a call to a function declared
// later in the same block, since Espruino does not hoist function declarations, and what the real
// interpreter (2v29, built for Linux) was seen to treat differently:
//   - an arrow function using `this` in a branch (?:, && / || / ??, if/else): Espruino parses
//     the branch it skips without running it, and builds with asserts stop there with
//     ASSERT(jsvHasChildren(obj)) (esbuild turns an if/else into ?:, Core.receive did this);
//   - a closure over a `let`/`const` of a for loop's header: there it is one variable for the
//     whole loop, not one per iteration, so every closure sees the last value;
//   - a computed key in an object literal ({[1]: x}, what esbuild writes unminified): a syntax
//     error there.
// Node only.
import * as ts from 'typescript';

const MISSING_GLOBALS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'BigInt', 'Proxy', 'Reflect']);
const MISSING_MEMBERS = new Set(['Array.from', 'Array.of', 'Math.imul', 'Number.isInteger', 'Uint8Array.from', 'Object.entries', 'Object.values', 'Object.fromEntries', 'String.raw']);

/** Does the arrow function say `this` (its own, i.e. not inside a nested non-arrow function)? */
function usesThis(fn: ts.Node): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.ThisKeyword) found = true;
    else if (!((ts.isFunctionLike(n) && !ts.isArrowFunction(n)) || ts.isClassLike(n))) ts.forEachChild(n, walk);
  };
  ts.forEachChild(fn, walk);
  return found;
}

/** Is `n` in code that may be skipped: a branch of ?:, the right side of && || ??, a branch of if/else (up to its function)? */
function inBranch(n: ts.Node): boolean {
  for (let child = n, p = n.parent; p !== undefined; child = p, p = p.parent) {
    if (ts.isFunctionLike(p) && !ts.isArrowFunction(p)) return false;
    if (ts.isConditionalExpression(p) && child !== p.condition) return true;
    if (ts.isBinaryExpression(p) && child === p.right && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(p.operatorToken.kind)) return true;
    if (ts.isIfStatement(p) && child !== p.expression) return true;
  }
  return false;
}

/** Does the function use a variable declared with let/const in the header of a for loop around it? */
function closesOverLoopLet(fn: ts.Node): boolean {
  const names = new Set<string>();
  for (let p = fn.parent; p !== undefined; p = p.parent) {
    const init = ts.isForStatement(p) ? p.initializer : ts.isForInStatement(p) || ts.isForOfStatement(p) ? p.initializer : undefined;
    if (init !== undefined && ts.isVariableDeclarationList(init) && (init.flags & ts.NodeFlags.BlockScoped) !== 0) {
      for (const d of init.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    }
  }
  if (names.size === 0) return false;
  let found = false;
  const walk = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && names.has(n.text) && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) found = true;
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(fn, walk);
  return found;
}

export function checkEspruino(code: string): string[] {
  const sf = ts.createSourceFile('out.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems: string[] = [];
  const at = (n: ts.Node, what: string) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    problems.push(`${line + 1}:${character + 1}: ${what}: ${n.getText(sf).slice(0, 60)}`);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n)) at(n, 'destructuring');
    else if (ts.isParameter(n) && n.initializer) at(n, 'default parameter');
    else if (ts.isParameter(n) && n.dotDotDotToken) at(n, 'rest parameter');
    else if (ts.isSpreadElement(n) || ts.isSpreadAssignment(n)) at(n, 'spread');
    else if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) && n.questionDotToken) at(n, 'optional chaining');
    else if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken || n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskEqualsToken)) at(n, '**');
    else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && (ts.isObjectLiteralExpression(n.left) || ts.isArrayLiteralExpression(n.left))) at(n, 'destructuring assignment');
    else if (ts.isBigIntLiteral(n)) at(n, 'BigInt');
    else if (ts.isRegularExpressionLiteral(n)) at(n, 'regular expression');
    else if (ts.isAwaitExpression(n) || ts.isYieldExpression(n)) at(n, 'async/generator');
    else if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) && n.asteriskToken) at(n, 'generator');
    else if (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) at(n, 'async');
    else if (ts.isForOfStatement(n) && n.awaitModifier) at(n, 'for await');
    else if (ts.isIdentifier(n) && MISSING_GLOBALS.has(n.text) && !ts.isPropertyAccessExpression(n.parent)) at(n, `${n.text} (missing on Espruino)`);
    else if (ts.isPropertyAccessExpression(n) && MISSING_MEMBERS.has(n.getText(sf))) at(n, `${n.getText(sf)} (missing on Espruino)`);
    else if (ts.isComputedPropertyName(n) && ts.isObjectLiteralElementLike(n.parent)) at(n.parent, 'computed key in an object literal (a syntax error on Espruino)');
    else if (ts.isArrowFunction(n) && usesThis(n) && inBranch(n)) at(n, 'arrow function using `this` in a branch (Espruino asserts parsing the skipped branch)');
    else if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && closesOverLoopLet(n)) at(n, 'closure over a for loop\'s let (one variable for the whole loop on Espruino)');
    if (ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n)) checkHoisting(n.statements);
    ts.forEachChild(n, visit);
  };
  const checkHoisting = (statements: ts.NodeArray<ts.Statement>): void => {
    // Names of functions declared in this block, by statement index.
    const declaredAt = new Map<string, number>();
    statements.forEach((s, i) => {
      if (ts.isFunctionDeclaration(s) && s.name) declaredAt.set(s.name.text, i);
    });
    if (declaredAt.size === 0) return;
    statements.forEach((s, i) => {
      // Only code that runs right away counts: skip nested function bodies.
      const scan = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && n !== s) return;
        if (ts.isFunctionDeclaration(n)) return;
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
          const d = declaredAt.get(n.expression.text);
          if (d !== undefined && d > i) at(n, 'call before the function is declared (Espruino does not hoist)');
        }
        ts.forEachChild(n, scan);
      };
      scan(s);
    });
  };
  visit(sf);
  return problems;
}
