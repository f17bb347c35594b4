// The demo page in a real browser with a local board: the WLED strip (the stand-in on loopback)
// is drawn among the real boards, LED for LED what the strip shows. Screenshot in test/artifacts/.
import t from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, openDemoPage } from '../web/open-page.ts';
import { until } from '../bridge/harness.ts';
import { StandInWled } from './wled-standin.ts';

t.test('a local board on the demo page', { skip: existsSync(CHROMIUM) ? false : `skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)` }, async (t) => {
  const wled = new StandInWled(24);
  await wled.start();
  t.teardown(() => wled.stop());
  const { page, errors } = await openDemoPage(t, {
    speed: 5,
    viewport: { width: 1400, height: 1000 },
    local: { boards: [{ id: 'shelf-wled', outputs: [{ type: 'wled', host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl }] }] },
  });

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
