// Source rewrites for the Espruino build only (Node, used by bundle.ts as an esbuild plugin):
//   1. constants are inlined: a read of a top-level `const X = <number>` or of a property of a
//      top-level `const O = { K: <number>, ... }` (MSG.POD_ADD, POD_STATE.RUNNING, POD, P_STATE)
//      becomes the literal, so the lookup tables (types.ts, model.ts' record layout) are
//      tree-shaken away and `p.Q` becomes `48` in the file;
//   2. decode error reasons are dropped: the third argument of protocol/codec's decodeError() (a
//      text for people reading logs) becomes '', since the board never shows it. The error codes
//      and offsets stay, and test/firmware/espruino-codec.test.ts proves them against the
//      normative vectors.
// Resolution goes through TypeScript's checker, so only references to those declarations are
// touched, never a local of the same name; a write to such a constant property is an error.
import { resolve, sep } from 'node:path';
import * as ts from 'typescript';

export interface RewriteOptions {
  /** Replace decodeError reasons with '' (default true). */
  stripReasons?: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The literal a constant declaration holds, as source text, or undefined. */
function literalOf(init: ts.Expression | undefined): string | undefined {
  if (init === undefined) return undefined;
  let e = init;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isNumericLiteral(e)) return String(Number(e.text));
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return JSON.stringify(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) {
    return `(-${Number(e.operand.text)})`;
  }
  return undefined;
}

function isTopLevelConst(decl: ts.Node): decl is ts.VariableDeclaration {
  return (
    ts.isVariableDeclaration(decl) &&
    ts.isVariableDeclarationList(decl.parent) &&
    (decl.parent.flags & ts.NodeFlags.Const) !== 0 &&
    ts.isVariableStatement(decl.parent.parent) &&
    ts.isSourceFile(decl.parent.parent.parent)
  );
}

function unwrap(e: ts.Node): ts.Node {
  let n = e;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent))) n = n.parent;
  return n;
}

/** The literal value a reference stands for, or undefined. */
function constantValue(checker: ts.TypeChecker, at: ts.Node): string | undefined {
  let sym = checker.getSymbolAtLocation(at);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  if (decl === undefined || decl.getSourceFile().isDeclarationFile) return undefined;
  if (isTopLevelConst(decl)) return literalOf(decl.initializer);
  if (ts.isPropertyAssignment(decl) && ts.isObjectLiteralExpression(decl.parent)) {
    const holder = unwrap(decl.parent).parent;
    if (holder && isTopLevelConst(holder)) return literalOf(decl.initializer);
  }
  return undefined;
}

function isWrite(n: ts.Node): boolean {
  const p = n.parent;
  if (ts.isBinaryExpression(p) && p.left === n && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  return false;
}

/** Is `id` an expression read of a variable (not a declaration name, key, member name, type)? */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isEnumMember(p)) && p.name === id) return false;
  if (ts.isShorthandPropertyAssignment(p) || ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p) || ts.isNamespaceImport(p)) return false;
  if (ts.isQualifiedName(p) || ts.isTypeReferenceNode(p) || ts.isTypeQueryNode(p)) return false;
  return true;
}

function inType(n: ts.Node): boolean {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isTypeNode(p) && !ts.isExpressionWithTypeArguments(p)) return true;
    if (ts.isStatement(p) || ts.isSourceFile(p)) return false;
  }
  return false;
}

/** `a`, `this.a`, `a.b.c`: no calls, no computed keys. */
function isPlainChain(n: ts.Node): boolean {
  if (ts.isIdentifier(n) || n.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(n) && isPlainChain(n.expression);
}

const ERRORS_FILE = `${sep}protocol${sep}codec${sep}errors.ts`;

function isDecodeError(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  if (!ts.isIdentifier(call.expression) || call.arguments.length !== 3) return false;
  let sym = checker.getSymbolAtLocation(call.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  return decl !== undefined && sym?.name === 'decodeError' && decl.getSourceFile().fileName.endsWith(ERRORS_FILE.split(sep).join('/'));
}

/** Rewritten sources of every file the entry pulls in (absolute path -> TypeScript source). */
export function rewriteSources(entry: string, options: RewriteOptions = {}): Map<string, string> {
  const program = ts.createProgram([resolve(entry)], {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2019,
    types: [],
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes('node_modules')) continue;
    const edits: Edit[] = [];
    const visit = (n: ts.Node): void => {
      if (options.stripReasons !== false && ts.isCallExpression(n) && isDecodeError(checker, n)) {
        const reason = n.arguments[2];
        edits.push({ start: reason.getStart(file), end: reason.getEnd(), text: "''" });
        visit(n.arguments[0]);
        visit(n.arguments[1]);
        return;
      }
      // `x = x + e` -> `x += e` (esbuild keeps the long form): x is a variable or a chain of
      // property reads on plain objects (no getters in the portable subset), so it is the same.
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isBinaryExpression(n.right) &&
        (n.right.operatorToken.kind === ts.SyntaxKind.PlusToken || n.right.operatorToken.kind === ts.SyntaxKind.MinusToken) &&
        isPlainChain(n.left) &&
        n.right.left.getText(file) === n.left.getText(file)
      ) {
        const op = n.right.operatorToken.kind === ts.SyntaxKind.PlusToken ? '+=' : '-=';
        edits.push({ start: n.left.getEnd(), end: n.right.right.getStart(file), text: ` ${op} ` });
        visit(n.left);
        visit(n.right.right);
        return;
      }
      if (ts.isPropertyAccessExpression(n) && !inType(n)) {
        const v = constantValue(checker, n.name);
        if (v !== undefined && isWrite(n)) throw new Error(`${file.fileName}: writes the constant ${n.getText(file)}; inlining would be wrong`);
        if (v !== undefined) {
          edits.push({ start: n.getStart(file), end: n.getEnd(), text: v });
          return;
        }
      }
      if (ts.isIdentifier(n) && isValueReference(n) && !isWrite(n) && !inType(n)) {
        const v = constantValue(checker, n);
        if (v !== undefined) edits.push({ start: n.getStart(file), end: n.getEnd(), text: v });
      }
      ts.forEachChild(n, visit);
    };
    visit(file);
    let text = file.text;
    for (const e of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    out.set(resolve(file.fileName), text);
  }
  return out;
}
