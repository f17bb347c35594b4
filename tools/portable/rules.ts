// The portable subset (shared/DESIGN.md) as lint rules. Each rule names what it forbids and
// why, so the message tells a developer what to write instead.
import * as ts from 'typescript';

export interface Violation {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

export interface Rule {
  name: string;
  why: string;
  /** Returns true when `node` breaks the rule. */
  test(node: ts.Node, checker: ts.TypeChecker): boolean;
}

const GLOBALS_MISSING = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'RegExp', 'BigInt', 'Proxy', 'Reflect']);

/** Static members Espruino or typescript-to-lua lack. */
const MEMBERS_MISSING: Record<string, string[]> = {
  Array: ['from', 'of'],
  Uint8Array: ['from', 'of'],
  Number: ['isInteger', 'isSafeInteger', 'parseFloat', 'parseInt'],
  Math: ['imul', 'clz32', 'fround', 'trunc', 'sign', 'log2', 'hypot'],
  Object: ['assign', 'entries', 'values', 'fromEntries'],
};

const TYPED_ARRAYS = new Set([
  'Uint8Array', 'Int8Array', 'Uint8ClampedArray', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'ArrayBuffer', 'DataView',
]);

function isGlobalRef(node: ts.Node, checker: ts.TypeChecker, names: Set<string>): boolean {
  if (!ts.isIdentifier(node) || !names.has(node.text)) return false;
  // A property name (x.Map) or a declaration of our own is not the global.
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === node) return false;
  const symbol = checker.getSymbolAtLocation(node);
  const decl = symbol?.declarations?.[0];
  return decl === undefined || decl.getSourceFile().isDeclarationFile;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function isArrayType(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isUnion()) return type.types.some((t) => isArrayType(t, checker));
  return checker.isArrayType(type) || checker.isTupleType(type);
}

/** In firmware/core, other than store.ts (which makes the plain stores). */
function inCoreOutsideStore(n: ts.Node): boolean {
  const file = n.getSourceFile().fileName.split('\\').join('/');
  return file.includes('/firmware/core/') && !file.endsWith('/firmware/core/store.ts');
}

export const RULES: Rule[] = [
  {
    name: 'no-spread',
    why: 'spread (...x) is missing on Espruino; copy with a for loop',
    test: (n) => ts.isSpreadElement(n) || ts.isSpreadAssignment(n),
  },
  {
    name: 'no-destructuring',
    why: 'destructuring is missing on Espruino; read the fields one by one',
    test: (n) =>
      ts.isObjectBindingPattern(n) ||
      ts.isArrayBindingPattern(n) ||
      (ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        (ts.isObjectLiteralExpression(n.left) || ts.isArrayLiteralExpression(n.left))),
  },
  {
    name: 'no-for-of',
    why: 'for..of compiles to iterator machinery in Lua; use an indexed for loop',
    test: (n) => ts.isForOfStatement(n),
  },
  {
    name: 'no-map-set',
    why: 'Map/Set/WeakMap/WeakSet are missing on Espruino; use plain objects keyed by number or string',
    test: (n, c) => isGlobalRef(n, c, new Set(['Map', 'Set', 'WeakMap', 'WeakSet'])),
  },
  {
    name: 'no-symbol',
    why: 'Symbol is missing on Espruino and in Lua',
    test: (n, c) => isGlobalRef(n, c, new Set(['Symbol'])),
  },
  {
    name: 'no-generators',
    why: 'generators are missing on Espruino; use callbacks or an index',
    test: (n) => ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n)) && n.asteriskToken !== undefined) || ts.isYieldExpression(n),
  },
  {
    name: 'no-async',
    why: 'async/await is missing on Espruino and costly in Lua; use callbacks',
    test: (n) => hasModifier(n, ts.SyntaxKind.AsyncKeyword) || ts.isAwaitExpression(n),
  },
  {
    name: 'no-regexp',
    why: 'regular expressions do not exist in Lua; scan with charCodeAt',
    test: (n, c) => n.kind === ts.SyntaxKind.RegularExpressionLiteral || isGlobalRef(n, c, new Set(['RegExp'])),
  },
  {
    name: 'no-default-params',
    why: 'default parameters are missing on Espruino; take `x?: T` and test for undefined',
    test: (n) => ts.isParameter(n) && n.initializer !== undefined,
  },
  {
    name: 'no-accessors',
    why: 'getters/setters are not portable; use methods',
    test: (n) => ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n),
  },
  {
    name: 'no-continue',
    why: "`continue` becomes `goto` in typescript-to-lua's JIT target, which Lua 5.1 rejects; use if/else",
    test: (n) => ts.isContinueStatement(n),
  },
  {
    name: 'no-labels',
    why: 'labelled statements become goto in Lua',
    test: (n) => ts.isLabeledStatement(n),
  },
  {
    name: 'no-exceptions',
    why: 'exceptions are not control flow on a board: return an error value (the firmware must keep running)',
    test: (n) => ts.isTryStatement(n) || ts.isThrowStatement(n),
  },
  {
    name: 'no-exponent',
    why: '** is missing on Espruino; multiply',
    test: (n) => ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken || n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskEqualsToken),
  },
  {
    name: 'no-optional-chaining',
    why: '?. is missing on Espruino; test for undefined first',
    test: (n) => (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) && n.questionDotToken !== undefined,
  },
  {
    name: 'no-bigint',
    why: 'BigInt is missing on Espruino and in Lua',
    test: (n, c) => n.kind === ts.SyntaxKind.BigIntLiteral || isGlobalRef(n, c, new Set(['BigInt'])),
  },
  {
    name: 'no-typed-arrays',
    why: 'typed arrays compile for Lua but crash at run time; use arrays of numbers or strings',
    test: (n, c) => isGlobalRef(n, c, TYPED_ARRAYS),
  },
  {
    name: 'no-missing-builtins',
    why: 'this built-in is missing on Espruino or in typescript-to-lua; write the loop',
    test: (n, c) => {
      if (!ts.isPropertyAccessExpression(n) || !ts.isIdentifier(n.expression)) return false;
      const members = MEMBERS_MISSING[n.expression.text];
      return members !== undefined && members.includes(n.name.text) && isGlobalRef(n.expression, c, new Set([n.expression.text]));
    },
  },
  {
    name: 'no-array-slice',
    why: 'Array.prototype.slice is missing on Espruino; copy with a for loop',
    test: (n, c) =>
      ts.isPropertyAccessExpression(n) &&
      (n.name.text === 'slice' || n.name.text === 'splice') &&
      isArrayType(c.getTypeAtLocation(n.expression), c),
  },
  {
    name: 'no-core-array-literal',
    why: 'firmware/core takes its arrays from newStore() (store.ts): on Espruino a plain Array is a linked list, a[i] walks i elements; typed-array stores are flat and O(1)',
    test: (n) => (ts.isArrayLiteralExpression(n) || (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'Array')) && inCoreOutsideStore(n),
  },
  {
    name: 'no-other-globals',
    why: 'Proxy and Reflect do not exist on the boards',
    test: (n, c) => isGlobalRef(n, c, new Set(['Proxy', 'Reflect'])),
  },
];

export const RULE_NAMES = RULES.map((r) => r.name);
export { GLOBALS_MISSING };
