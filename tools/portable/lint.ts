// Checks TypeScript files against the portable subset rules and against imports that leave it.
import { dirname, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';
import { RULES } from './rules.ts';
import type { Violation } from './rules.ts';

export type { Violation } from './rules.ts';

/** Folders whose code runs on boards; their files may import only from each other. */
export const PORTABLE_ROOTS = ['protocol/codec', 'firmware/core'];

function isPortablePath(file: string, root: string): boolean {
  const rel = relative(root, file).split(sep).join('/');
  return PORTABLE_ROOTS.some((r) => rel === r || rel.startsWith(`${r}/`));
}

export interface LintOptions {
  files: string[];
  /** Repository root, for the import rule and for printing paths (default: cwd). */
  root?: string;
}

export function lintPortable(options: LintOptions): Violation[] {
  const root = resolve(options.root ?? process.cwd());
  const program = ts.createProgram(options.files.map((f) => resolve(f)), {
    target: ts.ScriptTarget.ES2019,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    lib: ['lib.es2019.d.ts'],
    types: [],
  });
  const checker = program.getTypeChecker();
  const out: Violation[] = [];
  for (const file of options.files.map((f) => resolve(f))) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    const report = (node: ts.Node, rule: string, message: string): void => {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      out.push({ file: relative(root, file), line: line + 1, column: character + 1, rule, message });
    };
    const visit = (node: ts.Node): void => {
      for (const rule of RULES) if (rule.test(node, checker)) report(node, rule.name, rule.why);
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
        const spec = node.moduleSpecifier;
        if (spec && ts.isStringLiteral(spec)) {
          const target = resolve(dirname(file), spec.text);
          if (!spec.text.startsWith('.') || (isPortablePath(file, root) && !isPortablePath(target, root))) {
            report(node, 'no-non-portable-import', `'${spec.text}' is outside the portable folders (${PORTABLE_ROOTS.join(', ')})`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}:${v.column} ${v.rule}: ${v.message}`;
}
