// `npm run build [-- --out DIR]`: the compiled tree the container image runs (default dist/), no
// TypeScript loader needed. esbuild bundles the command (bin/podlights.ts) into ES modules in
// DIR/bin/, one chunk per lazily loaded command, together with the pure-JavaScript packages of
// the bridge's path: one module instead of hundreds (@kubernetes/client-node alone is 967 files)
// holds about 50 MB less RSS than tsc's one-file-per-source output, measured on `bridge --node`.
// Packages not listed in BUNDLED (native addons such as serialport, loaders) stay imports of
// node_modules. The files the code reads next to its sources keep their places (DIR/boards/,
// DIR/bridge/config/, DIR/bridge/web/), and each source's import.meta.url is mapped to where that
// source would sit in DIR, so those reads find them. esbuild does not check types: `npm run
// typecheck` (part of `npm test`) does.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { bundleWebApp } from '../bridge/demo/assets.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Packages inlined into the bundle (with their own dependencies), all plain JavaScript: the
 * bridge's path imports them. client-node saves the most; the others about 10 MB together. (ajv
 * is loaded through createRequire by its users, so it stays in node_modules.)
 */
const BUNDLED = ['@kubernetes/client-node', 'aedes', 'mqtt', 'pino', 'prom-client', 'yaml'];

/** What the runtime reads from disk next to its modules (relative to the repository). */
function dataFiles(): string[] {
  const boards = readdirSync(join(ROOT, 'boards')).filter((f) => f.endsWith('.json'));
  return [
    ...boards.map((f) => `boards/${f}`), // boards/index.ts reads the profiles and their schema
    'bridge/config/schema.json', // bridge/config/load.ts requires it
    'bridge/web/index.html', // bridge/demo/assets.ts serves these
    'bridge/web/style.css',
    'bridge/web/favicon.svg',
  ];
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

// Every output file lands in DIR/bin/, so from any chunk `../<source path>` is where the source
// would be in DIR: import.meta.url of bridge/demo/assets.ts becomes DIR/bridge/demo/assets.js.
const layout: esbuild.Plugin = {
  name: 'podlights-layout',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.importer.split(sep).includes('node_modules')) return undefined; // a bundled package's own dependency
      if (args.path.startsWith('node:') || BUNDLED.includes(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.split(sep).includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.')) return undefined;
      const rel = relative(ROOT, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
      const file = `new URL(${JSON.stringify(`../${rel}`)}, import.meta.url)`;
      // url first: the expressions put in for filename and dirname use the chunk's own URL.
      const mapped = text
        .replaceAll('import.meta.url', `${file}.href`)
        .replaceAll('import.meta.filename', `__podlightsPath(${file})`)
        .replaceAll('import.meta.dirname', `__podlightsPath(new URL('.', ${file})).replace(/[\\\\/]$/, '')`);
      const helper = mapped.includes('__podlightsPath') ? "import { fileURLToPath as __podlightsPath } from 'node:url';\n" : '';
      return { contents: helper + mapped, loader: 'ts' };
    });
  },
};

async function buildDist(out: string): Promise<void> {
  // The folder is emptied first: never the repository or a folder holding it.
  if (out === ROOT || ROOT.startsWith(out + sep)) throw new Error(`npm run build: --out ${out} would delete the repository; name a folder of its own`);
  rmSync(out, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { 'bin/podlights': 'bin/podlights.ts' },
    outdir: out,
    chunkNames: 'bin/[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS packages inside the bundle call require() for Node's built-ins.
    banner: { js: "import { createRequire as __podlightsRequire } from 'node:module';\nconst require = __podlightsRequire(import.meta.url);" },
    plugins: [layout],
    // Whitespace and syntax only, names kept: about 5 MB less RSS than unminified, stack traces
    // still name functions; `node --enable-source-maps` maps them to the sources' lines.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  for (const file of dataFiles()) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(out, file));
  }
  writeFileSync(join(out, 'bridge/web/app.js'), await bundleWebApp());
  // `podlights --version` reads the package.json two levels above bridge/cli/; "type" keeps the
  // tree ESM wherever it is copied.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module' }, null, 2)}\n`);
}

try {
  const out = resolve(parseArgs({ options: { out: { type: 'string', default: 'dist' } } }).values.out);
  await buildDist(out);
  process.stdout.write(`build: ${out}\n`);
} catch (err) {
  // esbuild has printed its errors with their places; this is the one line that says why it stopped.
  process.stderr.write(`${(err as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
