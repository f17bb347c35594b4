// Source rewrites for the Espruino build only (Node, used by bundle.ts as an esbuild plugin):
//   1. constants are inlined: a read of a top-level `const X = <number>` or of a property of a
//      top-level `const O = { K: <number>, ... }` (MSG.POD_ADD, POD_STATE.RUNNING, POD, P_STATE)
//      becomes the literal, so the lookup tables (types.ts, model.ts' record layout) are
//      tree-shaken away and `p.Q` becomes `48` in the file;
//   2. decode error reasons are dropped: the third argument of protocol/codec's decodeError() (a
//      text for people reading logs) becomes '', since the board never shows it (in a firmware
//      file the error code too, dropCodes: the core reads only `ok`). Elsewhere the error codes
//      and offsets stay, and test/firmware/codec-builds.test.ts proves them against the
//      normative vectors.
// Resolution goes through TypeScript's checker, so only references to those declarations are
// touched, never a local of the same name; a write to such a constant property is an error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, sep } from 'node:path';
import * as ts from 'typescript';
import { LAYOUTS } from '../../../protocol/codec/layout.ts';

export interface RewriteOptions {
  /** Replace decodeError reasons with '' (default true). */
  stripReasons?: boolean;
  /** Source text to use instead of a file's (absolute path -> TypeScript), see storeSources. */
  overrides?: Map<string, string>;
  /** `cell(s, i)` of core/store.ts becomes `(s)[i]` (typed-array stores read 0 where unwritten). */
  inlineCell?: boolean;
  /** decodeError's code becomes '' as well (a firmware file: the core reads only `ok`, the HAL nothing). */
  dropCodes?: boolean;
  /** For esbuild (the output is not type-checked again): `===` between two numbers (or two strings) becomes `==`, decodeError loses its unused third argument. */
  looseEquals?: boolean;
  /**
   * Message field names become two-character ones ($0, $1...) in the layout table and wherever a
   * message's field is read: for a firmware file, which reads messages and never writes one.
   */
  shortFields?: boolean;
  /** Expressions replaced by source text (`PL.ledCount` -> `60`): the board's baked profile. */
  replace?: Record<string, string>;
  /** `x = x + e` becomes `x += e` (default true; typescript-to-lua spells `a.b.c += e` longer than `a.b.c = a.b.c + e`). */
  compound?: boolean;
}

const CORE_STORE = fileURLToPath(new URL('../../core/store.ts', import.meta.url));
const TYPED_STORE = fileURLToPath(new URL('./store.ts', import.meta.url));
export const CODEC_CRC = fileURLToPath(new URL('../../../protocol/codec/crc16.ts', import.meta.url));
const TABLE_CRC = fileURLToPath(new URL('./crc16.ts', import.meta.url));
const LIMIT_LINE = 'export const POD_LIMIT = 512;';

/**
 * `core` with each function declared in `from` put in place of the one of the same name; with
 * `rest`, the statements of `from` other than imports and functions go at the end.
 */
function replaceFunctions(core: string, from: string, rest = false): string {
  const functions = (text: string) => {
    const out = new Map<string, ts.FunctionDeclaration>();
    for (const s of ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true).statements) if (ts.isFunctionDeclaration(s) && s.name) out.set(s.name.text, s);
    return out;
  };
  const mine = functions(core);
  const edits = [...functions(from)].map(([name, f]) => {
    const old = mine.get(name);
    if (old === undefined) throw new Error(`${CORE_STORE} has no function ${name} for ${TYPED_STORE} to replace`);
    return { start: old.getStart(), end: old.getEnd(), text: f.getText() };
  });
  let out = core;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  if (rest) {
    const statements = ts.createSourceFile('x.ts', from, ts.ScriptTarget.Latest, true).statements;
    for (const s of statements) if (!ts.isImportDeclaration(s) && !ts.isFunctionDeclaration(s)) out += '\n' + s.getFullText();
  }
  return out;
}

/** protocol/codec/crc16.ts as the Espruino builds have it: crc16String through a table (./crc16.ts). */
export function crcSource(): string {
  return replaceFunctions(readFileSync(CODEC_CRC, 'utf8'), readFileSync(TABLE_CRC, 'utf8'), true);
}

/**
 * The core's store module for a board build: Espruino's typed-array stores (`typed`) or the plain
 * ones, with the profile's pod limit (boards/*.json maxPods) in place of the default.
 */
export function storeSources(typed: boolean, podLimit?: number): Map<string, string> {
  let text = readFileSync(CORE_STORE, 'utf8');
  if (!text.includes(LIMIT_LINE)) throw new Error(`${CORE_STORE} lost its line '${LIMIT_LINE}'`);
  if (typed) text = replaceFunctions(text, readFileSync(TYPED_STORE, 'utf8'));
  if (podLimit !== undefined && !(Number.isInteger(podLimit) && podLimit >= 1 && podLimit <= 512)) {
    throw new Error(`maxPods must be an integer from 1 to 512 (the slot packing), got ${podLimit}`);
  }
  const limit = podLimit === undefined ? text : text.replace(LIMIT_LINE, `export const POD_LIMIT = ${podLimit};`);
  return new Map([[CORE_STORE, limit]]);
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

/** Both sides are numbers, or both strings (no union with anything else): == and === agree. */
function sameBasicType(checker: ts.TypeChecker, a: ts.Expression, b: ts.Expression): boolean {
  const kind = (e: ts.Expression): string => {
    const t = checker.getTypeAtLocation(e);
    if (t.flags & ts.TypeFlags.NumberLike && !(t.flags & ~ts.TypeFlags.NumberLike & ~ts.TypeFlags.Union)) return 'number';
    if (t.flags & ts.TypeFlags.StringLike && !(t.flags & ~ts.TypeFlags.StringLike & ~ts.TypeFlags.Union)) return 'string';
    if (t.isUnion() && t.types.every((u) => u.flags & ts.TypeFlags.NumberLike)) return 'number';
    if (t.isUnion() && t.types.every((u) => u.flags & ts.TypeFlags.StringLike)) return 'string';
    return 'other';
  };
  const k = kind(a);
  return k !== 'other' && k === kind(b);
}

const LAYOUT_FILE = `${sep}protocol${sep}codec${sep}layout.ts`;
const TYPES_FILE = `${sep}protocol${sep}codec${sep}types.ts`;
const DECODER_FILE = `${sep}protocol${sep}codec${sep}decoder.ts`;

/** Every message field name (LAYOUTS) -> a short one. */
function shortNames(): Map<string, string> {
  const out = new Map<string, string>();
  for (const fields of Object.values(LAYOUTS)) for (const f of fields) if (!out.has(f.name)) out.set(f.name, '$' + out.size.toString(36));
  // The discriminator too: the decoder's `{ type: type }` (readMessage) is renamed with it.
  out.set('type', '$t');
  return out;
}

/** Is this property a field of a message interface (types.ts, one with a `type` member)? */
function isMessageField(checker: ts.TypeChecker, name: ts.MemberName): boolean {
  const sym = checker.getSymbolAtLocation(name);
  const decl = sym?.declarations?.[0];
  if (decl === undefined || !ts.isPropertySignature(decl) || !resolve(decl.getSourceFile().fileName).endsWith(TYPES_FILE)) return false;
  const owner = decl.parent;
  return ts.isInterfaceDeclaration(owner) && owner.members.some((m) => m.name !== undefined && m.name.getText() === 'type');
}

/** Is `n` a read of a constant whose value is 0 (a name or a property of a constant object)? */
function isZero(checker: ts.TypeChecker, n: ts.Expression): boolean {
  const name = ts.isPropertyAccessExpression(n) ? n.name : ts.isIdentifier(n) ? n : undefined;
  return name !== undefined && constantValue(checker, name) === '0';
}

function isStoreCell(checker: ts.TypeChecker, call: ts.CallExpression): boolean {
  let sym = checker.getSymbolAtLocation(call.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  const decl = sym?.valueDeclaration;
  return decl !== undefined && sym?.name === 'cell' && resolve(decl.getSourceFile().fileName) === CORE_STORE;
}

/** Rewritten sources of every file the entry pulls in (absolute path -> TypeScript source). */
export function rewriteSources(entry: string, options: RewriteOptions = {}): Map<string, string> {
  const compilerOptions: ts.CompilerOptions = {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2019,
    types: [],
  };
  const host = ts.createCompilerHost(compilerOptions);
  const overrides = options.overrides ?? new Map<string, string>();
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = overrides.get(resolve(fileName));
    return text !== undefined ? ts.createSourceFile(fileName, text, languageVersion, true) : getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  const program = ts.createProgram([resolve(entry)], compilerOptions, host);
  const checker = program.getTypeChecker();
  const short = options.shortFields ? shortNames() : undefined;
  const out = new Map<string, string>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || file.fileName.includes('node_modules')) continue;
    const edits: Edit[] = [];
    const visit = (n: ts.Node): void => {
      if (short !== undefined && ts.isStringLiteral(n) && resolve(file.fileName).endsWith(LAYOUT_FILE) && ts.isCallExpression(n.parent) && n.parent.arguments[0] === n && short.has(n.text)) {
        edits.push({ start: n.getStart(file), end: n.getEnd(), text: JSON.stringify(short.get(n.text)) });
        return;
      }
      if (short !== undefined && ts.isPropertyAssignment(n) && n.name.getText(file) === 'type' && resolve(file.fileName).endsWith(DECODER_FILE)) {
        edits.push({ start: n.name.getStart(file), end: n.name.getEnd(), text: short.get('type')! });
      }
      if (options.replace !== undefined && ts.isPropertyAccessExpression(n) && !isWrite(n) && options.replace[n.getText(file)] !== undefined) {
        edits.push({ start: n.getStart(file), end: n.getEnd(), text: `(${options.replace[n.getText(file)]})` });
        return;
      }
      if (short !== undefined && ts.isPropertyAccessExpression(n) && short.has(n.name.text) && isMessageField(checker, n.name)) {
        edits.push({ start: n.name.getStart(file), end: n.name.getEnd(), text: short.get(n.name.text)! });
      }
      if (options.inlineCell && ts.isCallExpression(n) && n.arguments.length === 2 && isStoreCell(checker, n)) {
        const [store, index] = n.arguments;
        edits.push({ start: n.getStart(file), end: store.getStart(file), text: '(' });
        edits.push({ start: store.getEnd(), end: index.getStart(file), text: ')[' });
        edits.push({ start: index.getEnd(), end: n.getEnd(), text: ']' });
        visit(store);
        visit(index);
        return;
      }
      if (options.stripReasons !== false && ts.isCallExpression(n) && isDecodeError(checker, n)) {
        // The reason goes (decodeError's own `reason` property is '' below); where the output is
        // type-checked again (typescript-to-lua), an empty one stays in its place.
        if (options.looseEquals) edits.push({ start: n.arguments[1].getEnd(), end: n.arguments[2].getEnd(), text: '' });
        else edits.push({ start: n.arguments[2].getStart(file), end: n.arguments[2].getEnd(), text: "''" });
        if (options.dropCodes) edits.push({ start: n.arguments[0].getStart(file), end: n.arguments[0].getEnd(), text: "''" });
        else visit(n.arguments[0]);
        visit(n.arguments[1]);
        return;
      }
      if (
        options.stripReasons !== false &&
        ts.isPropertyAssignment(n) &&
        n.name.getText(file) === 'reason' &&
        resolve(file.fileName).endsWith(ERRORS_FILE) &&
        n.parent.parent !== undefined &&
        ts.isReturnStatement(n.parent.parent)
      ) {
        edits.push({ start: n.initializer.getStart(file), end: n.initializer.getEnd(), text: "''" });
        return;
      }
      // `a === b` -> `a == b` where both sides are numbers (or both strings): the same test, a
      // byte shorter (the Espruino build only, see RewriteOptions.looseEquals).
      if (
        options.looseEquals &&
        ts.isBinaryExpression(n) &&
        (n.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken || n.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken) &&
        sameBasicType(checker, n.left, n.right)
      ) {
        const op = n.operatorToken;
        edits.push({ start: op.getStart(file), end: op.getEnd(), text: op.kind === ts.SyntaxKind.EqualsEqualsEqualsToken ? '==' : '!=' });
      }
      // `e + K` -> `e` where K is a constant 0 and e a number (a field at OFFSET 0 of its payload).
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken && isZero(checker, n.right) && checker.getTypeAtLocation(n.left).flags & ts.TypeFlags.NumberLike) {
        edits.push({ start: n.left.getEnd(), end: n.right.getEnd(), text: '' });
        visit(n.left);
        return;
      }
      // `x = x + e` -> `x += e` (esbuild keeps the long form): x is a variable or a chain of
      // property reads on plain objects (no getters in the portable subset), so it is the same.
      if (
        options.compound !== false &&
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
