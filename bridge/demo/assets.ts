// The page's files: HTML and CSS as they are in bridge/web/, and the TypeScript compiled by
// esbuild into one ES module when the server starts (about 50 ms; no build step, no download).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

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
    assets.set('/app.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(result.outputFiles[0].contents) });
  } finally {
    // esbuild keeps a service process for async builds; the demo must leave no process behind.
    await esbuild.stop();
  }
  return assets;
}
