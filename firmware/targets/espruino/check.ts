// Rejects JavaScript that Espruino (2v2x) cannot run, by walking the syntax tree of the built
// file: destructuring, default and rest parameters, spread, optional chaining, `**`, async,
// generators, BigInt, regular expressions, and the globals it lacks (Map, Set, Symbol, Array.from,
// Math.imul, Number.isInteger, Uint8Array.from...). Also flags a call to a function declared
// later in the same block, since Espruino does not hoist function declarations. Node only.
import * as ts from 'typescript';

const MISSING_GLOBALS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'BigInt', 'Proxy', 'Reflect']);
const MISSING_MEMBERS = new Set(['Array.from', 'Array.of', 'Math.imul', 'Number.isInteger', 'Uint8Array.from', 'Object.entries', 'Object.values', 'Object.fromEntries', 'String.raw']);

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
