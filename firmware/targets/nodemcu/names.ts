// Which property names the Lua minifier may shorten: the members our own TypeScript declares
// (class fields and methods, interface members, object literal keys, module exports), minus the
// entry module's exports (the bundle's public API) and minus every name that occurs in an ambient
// declaration (`declare ...`: the NodeMCU API such as buffer:set or client:publish). Names that
// also occur as string literals (message fields read by name from the codec's layout tables) are
// left alone by the minifier itself.
import { resolve } from 'node:path';
import * as ts from 'typescript';

export interface NamePlan {
  rename: Set<string>;
  keep: Set<string>;
}

function isAmbient(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.canHaveModifiers(n) && ts.getModifiers(n)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return true;
    if (ts.isSourceFile(n) && n.isDeclarationFile) return true;
  }
  return false;
}

function nameText(name: ts.Node | undefined): string | undefined {
  if (name && (ts.isIdentifier(name) || ts.isPrivateIdentifier(name))) return name.text;
  return undefined;
}

export function planNames(entry: string): NamePlan {
  const program = ts.createProgram([resolve(entry)], {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2019,
    types: [],
  });
  const declared = new Set<string>();
  const ambient = new Set<string>();
  const keep = new Set<string>();
  const entryFile = program.getSourceFile(resolve(entry));
  if (entryFile) {
    const checker = program.getTypeChecker();
    const sym = checker.getSymbolAtLocation(entryFile);
    if (sym) for (const e of checker.getExportsOfModule(sym)) keep.add(e.name);
  }
  for (const file of program.getSourceFiles()) {
    if (file.fileName.includes('node_modules')) continue;
    const visit = (node: ts.Node): void => {
      let name: string | undefined;
      if (
        ts.isPropertyDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isPropertySignature(node) ||
        ts.isMethodSignature(node) ||
        ts.isPropertyAssignment(node) ||
        ts.isFunctionDeclaration(node) ||
        ts.isClassDeclaration(node) ||
        ts.isVariableDeclaration(node)
      ) {
        name = nameText(node.name);
      } else if (ts.isShorthandPropertyAssignment(node)) {
        name = node.name.text;
      }
      if (name !== undefined) (isAmbient(node) ? ambient : declared).add(name);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const rename = new Set<string>();
  for (const n of declared) if (!ambient.has(n) && !keep.has(n)) rename.add(n);
  // Class plumbing from typescript-to-lua's lualib, all inside the bundle.
  rename.add('prototype');
  return { rename, keep };
}
