// The demo page in a real browser with a local board: the WLED strip (the stand-in on loopback)
// is drawn among the real boards, LED for LED what the strip shows. Screenshot in test/artifacts/.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import { buildAssets } from '../../bridge/demo/assets.ts';
import { WebServer } from '../../bridge/demo/server.ts';
import { ARTIFACTS, CHROMIUM } from '../web/open-page.ts';
import { until } from '../bridge/harness.ts';
import { StandInWled } from './wled-standin.ts';

t.test('a local board on the demo page', { skip: existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)` }, async (t) => {
  const { chromium } = await import('playwright-core');
  const wled = new StandInWled(24);
  await wled.start();
  t.teardown(() => wled.stop());
  const demo = new Demo({
    speed: 5,
    kubeconfig: join(t.testdir({}), 'kubeconfig'),
    brokerPort: 0,
    local: { boards: [{ id: 'shelf-wled', outputs: [{ type: 'wled', host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl }] }] },
  });
  await demo.start();
  t.teardown(() => demo.stop());
  const web = new WebServer({ demo, assets: await buildAssets(), port: 0 });
  await web.start();
  t.teardown(() => web.stop());
  const profile = mkdtempSync(join(tmpdir(), 'podlights-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
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

  const board = page.locator('[data-board="shelf-wled"]');
  await board.waitFor({ timeout: 30_000 });
  t.match(await board.getAttribute('data-kind'), 'external', 'listed with the real boards');
  t.equal(await board.getAttribute('data-leds'), '24', 'LED count from WLED');
  t.equal(await board.locator('.pcb').count(), 1, 'drawn from its pixels, not "look at the board itself"');
  const pageRgb = () => board.locator('[data-led]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rgb));
  const stripRgb = () => Array.from({ length: 24 }, (_, i) => `${wled.shown[i * 3]},${wled.shown[i * 3 + 1]},${wled.shown[i * 3 + 2]}`);
  let last: (string | undefined)[] = [];
  await until('the page to draw what the strip shows, pods lit', () => {
    void pageRgb().then((v) => (last = v));
    return last.length === 24 && last.some((c) => c !== '0,0,0') && JSON.stringify(last) === JSON.stringify(stripRgb());
  }, 30_000);
  t.pass('LED for LED what the WLED strip shows');
  mkdirSync(ARTIFACTS, { recursive: true });
  await board.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, 'demo-local-board.png') });
  t.same(errors, [], 'no page errors');
});
