// The demo in this process, served, and open in headless Chromium (Debian's, through
// playwright-core): what every browser test starts with. Everything is closed at teardown.
import type { Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Demo } from '../../bridge/demo/demo.ts';
import { buildAssets } from '../../bridge/demo/assets.ts';
import { WebServer } from '../../bridge/demo/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

export async function openDemoPage(
  t: Test,
  opts: { speed: number; viewport: { width: number; height: number }; local?: ConstructorParameters<typeof Demo>[0]['local'] },
): Promise<{ demo: Demo; page: Page; errors: string[] }> {
  const { chromium } = await import('playwright-core');
  mkdirSync(ARTIFACTS, { recursive: true });
  const demo = new Demo({ speed: opts.speed, kubeconfig: join(t.testdir({}), 'kubeconfig'), brokerPort: 0, local: opts.local });
  await demo.start();
  t.teardown(() => demo.stop());
  const web = new WebServer({ demo, assets: await buildAssets(), port: 0 });
  await web.start();
  t.teardown(() => web.stop());
  const profile = mkdtempSync(join(tmpdir(), 'podlights-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: opts.viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(web.url);
  return { demo, page, errors };
}
