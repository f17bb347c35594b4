// The page's files: HTML and CSS as they are in bridge/web/, and the TypeScript compiled by
// esbuild into one ES module when the server starts (about 50 ms; no build step, no download).
// The compiled tree (`npm run build`, dist/) carries that module prebuilt as web/app.js and no
// page sources, because production installs have no esbuild binary.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));

export interface Asset {
  type: string;
  body: Buffer;
}

export async function buildAssets(): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const file = (name: string, type: string) => assets.set(`/${name}`, { type, body: readFileSync(`${WEB}${name}`) });
  file('index.html', 'text/html; charset=utf-8');
  file('style.css', 'text/css; charset=utf-8');
  file('favicon.svg', 'image/svg+xml');
  assets.set('/', assets.get('/index.html')!);
  // Sources present (a clone): bundle them, so an edit shows on the next start. Absent (dist/):
  // serve what the build bundled.
  const body = existsSync(`${WEB}main.ts`) ? Buffer.from(await bundleWebApp()) : readFileSync(`${WEB}app.js`);
  assets.set('/app.js', { type: 'text/javascript; charset=utf-8', body });
  return assets;
}

/** bridge/web/main.ts and its imports as one ES module for the browser; `npm run build` writes it to dist. */
export async function bundleWebApp(): Promise<Uint8Array> {
  // Loaded here, not at the top: the compiled tree never bundles and its install has no esbuild binary.
  const esbuild = await import('esbuild');
  try {
    const result = await esbuild.build({
      entryPoints: [`${WEB}main.ts`],
      bundle: true,
      format: 'esm',
      target: 'es2020',
      write: false,
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    return result.outputFiles[0].contents;
  } finally {
    // esbuild keeps a service process for async builds; the demo must leave no process behind.
    await esbuild.stop();
  }
}
