// Bundles TypeScript for Espruino with esbuild: one ES2015 file (Espruino runs arrow functions,
// classes, let/const and template literals), no helpers that need what Espruino lacks (class
// fields are plain assignments), minified. check.ts then proves the output keeps to what
// Espruino runs. Node only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as ts from 'typescript';
import { aliasThis, functionsToArrows, loopClosures, mergeVars } from './alias.ts';
import { checkEspruino } from './check.ts';
import { CODEC_CRC, crcSource, rewriteSources, storeSources } from './inline.ts';
import { planNames } from '../nodemcu/names.ts';
import { LAYOUTS } from '../../../protocol/codec/layout.ts';

/**
 * Property names esbuild may shorten: what our own TypeScript declares (names.ts), minus message
 * fields (the decoder sets them by name from the layout tables), minus the entry's exports and
 * every property name written in the entry file itself (the HAL: the baked PL config, Espruino's
 * APIs and option objects).
 */
export function mangleList(entry: string, shortFields = false): string[] {
  const plan = planNames(entry);
  const out = new Set(plan.rename);
  out.delete('prototype');
  out.delete('type');
  // With short message fields (inline.ts) no message property has its layout name any more.
  if (!shortFields) for (const fields of Object.values(LAYOUTS)) for (const f of fields) out.delete(f.name);
  // The core's Settings share names with the baked PL config (ambient, so kept by names.ts); in a
  // firmware build PL is gone by then and the settings are the core's own.
  if (shortFields) for (const name of interfaceMembers(SETTINGS, 'Settings')) out.add(name);
  const sf = ts.createSourceFile(entry, readFileSync(entry, 'utf8'), ts.ScriptTarget.Latest, true);
  const strip = (n: ts.Node): void => {
    // A firmware build's PL.x (the baked profile) are literals by then (inline.ts `replace`; esbuild
    // would mangle the name before its own define could match).
    if (shortFields && ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'PL') return;
    // The settings handed to `new Core(...)` are the core's own: their keys go with its reads.
    if (shortFields && ts.isPropertyAssignment(n) && ts.isObjectLiteralExpression(n.parent) && ts.isNewExpression(n.parent.parent) && n.parent.parent.expression.getText(sf) === 'Core') {
      strip(n.initializer);
      return;
    }
    if ((ts.isPropertySignature(n) || ts.isPropertyAssignment(n) || ts.isMethodSignature(n)) && ts.isIdentifier(n.name)) out.delete(n.name.text);
    if (ts.isPropertyAccessExpression(n)) out.delete(n.name.text);
    ts.forEachChild(n, strip);
  };
  strip(sf);
  // The strip interface is the HAL contract, implemented in the entry: keep it mangled anyway.
  for (const keepShort of ['set', 'show']) if (plan.rename.has(keepShort)) out.add(keepShort);
  return [...out].sort();
}

const SHIM = fileURLToPath(new URL('./shim.ts', import.meta.url));
const SETTINGS = fileURLToPath(new URL('../../core/settings.ts', import.meta.url));

function interfaceMembers(file: string, name: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const s of sf.statements) if (ts.isInterfaceDeclaration(s) && s.name.text === name) for (const m of s.members) if (m.name && ts.isIdentifier(m.name)) out.push(m.name.text);
  return out;
}
const FIRMWARE = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface EspruinoBundle {
  code: string;
  bytes: number;
}

export interface EspruinoBuildOptions {
  entry: string;
  /** Expose the entry's exports as this global (tests); firmware files need none. */
  globalName?: string;
  /** Code prepended to the bundle (the board's baked config). */
  banner?: string;
  minify?: boolean;
  /** Compile-time constants (e.g. {'PL.transport': '"mqtt"'}): the other branches are dropped. */
  define?: Record<string, string>;
  /** Shorten our own property names (see mangleList); default true. */
  mangle?: boolean;
  /** Inline constants and drop decode error reasons (see inline.ts); default true. */
  rewrite?: boolean;
  /** The board profile's pod limit (maxPods); default the core's. */
  podLimit?: number;
  /** The core's stores as typed arrays (targets/espruino/store.ts), as on a board; default true (false: the plain ones, a benchmark's baseline). */
  typedStores?: boolean;
  /** Short message field names (inline.ts shortFields); default: for the firmware entry (main.ts), which never builds a message. */
  shortFields?: boolean;
}

export async function buildEspruino(options: EspruinoBuildOptions): Promise<EspruinoBundle> {
  const rewrite = options.rewrite !== false;
  // The core's numeric stores become typed arrays (targets/espruino/store.ts) in every build.
  const stores = storeSources(options.typedStores !== false, options.podLimit);
  stores.set(CODEC_CRC, crcSource());
  const shortFields = options.shortFields ?? resolve(options.entry) === FIRMWARE;
  const sources = rewrite ? rewriteSources(options.entry, { overrides: stores, inlineCell: true, looseEquals: true, shortFields, dropCodes: shortFields, replace: shortFields ? options.define : undefined }) : stores;
  const r = await build({
    plugins: [
      {
        name: 'podlights-rewrite',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => {
            const contents = sources.get(args.path);
            return contents === undefined ? undefined : { contents, loader: 'ts' };
          });
        },
      },
    ],
    entryPoints: [options.entry],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: options.globalName,
    target: 'es2015',
    platform: 'neutral',
    minify: options.minify ?? true,
    mangleProps: options.mangle === false ? undefined : new RegExp(`^(${mangleList(options.entry, shortFields).join('|')})$`),
    legalComments: 'none',
    define: rewrite ? { 'Math.floor': 'mathFloor', ...options.define } : options.define,
    inject: rewrite ? [SHIM] : undefined,
    banner: options.banner ? { js: options.banner } : undefined,
    tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
    logLevel: 'silent',
  });
  const built = loopClosures(r.outputFiles[0].text);
  const code = options.minify === false ? built : mergeVars(functionsToArrows(aliasThis(built)));
  const problems = checkEspruino(built).concat(checkEspruino(code));
  if (problems.length > 0) throw new Error(`Espruino build of ${options.entry} uses what Espruino lacks:\n${problems.join('\n')}`);
  return { code, bytes: Buffer.byteLength(code) };
}
