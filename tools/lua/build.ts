// Compiles portable TypeScript (protocol/codec, firmware/core) to one Lua file with
// typescript-to-lua, for the two Lua runtimes NodeMCU ships:
//   - '5.1' (ESP8266): compiled with TSTL's JIT target, whose bit operations become calls into
//     the `bit` module that NodeMCU (and Debian's lua-bitop) provide. TSTL's own 5.1 target
//     rejects bit operations outright. The JIT target would emit `goto` for `continue`, which
//     Lua 5.1 cannot run, so the portable lint forbids `continue` and this build checks the
//     output for `goto` as a second line of defence.
//   - '5.3' (ESP32): native integer operators.
import { dirname, resolve } from 'node:path';
import * as ts from 'typescript';
import * as tstl from 'typescript-to-lua';

export type LuaRuntime = '5.1' | '5.3';

export interface LuaBuildOptions {
  /** Entry module (TypeScript); its exports are what the bundle returns. */
  entry: string;
  runtime: LuaRuntime;
}

export interface LuaBuild {
  code: string;
  bytes: number;
}

export class LuaBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LuaBuildError';
  }
}

function describe(diagnostics: readonly ts.Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return text;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${d.file.fileName}:${line + 1}:${character + 1}: ${text}`;
    })
    .join('\n');
}

export function buildLua(options: LuaBuildOptions): LuaBuild {
  const entry = resolve(options.entry);
  const outDir = resolve(dirname(entry), '.lua-out');
  let code: string | undefined;
  const result = tstl.transpileFiles(
    [entry],
    {
      luaTarget: options.runtime === '5.1' ? tstl.LuaTarget.LuaJIT : tstl.LuaTarget.Lua53,
      luaLibImport: tstl.LuaLibImportKind.RequireMinimal,
      luaBundle: 'bundle.lua',
      luaBundleEntry: entry,
      noImplicitSelf: true,
      noHeader: true,
      strict: true,
      target: ts.ScriptTarget.ES2019,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      rewriteRelativeImportExtensions: true,
      lib: ['lib.es2019.d.ts'],
      types: [],
      skipLibCheck: true,
      rootDir: resolve(import.meta.dirname, '../..'),
      outDir,
    },
    (fileName, data) => {
      if (fileName.endsWith('bundle.lua')) code = data;
    },
  );
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new LuaBuildError(`Lua ${options.runtime} build of ${options.entry} failed:\n${describe(errors)}`);
  if (code === undefined) throw new LuaBuildError(`Lua ${options.runtime} build of ${options.entry} produced no bundle`);
  if (options.runtime === '5.1' && /\bgoto\b/.test(code)) {
    throw new LuaBuildError(`Lua 5.1 build of ${options.entry} contains goto (a 'continue' slipped past the lint)`);
  }
  return { code, bytes: Buffer.byteLength(code) };
}
