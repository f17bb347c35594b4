// The demo page in a real browser (Debian's chromium through playwright-core): every board
// appears; "scale to 5" lights exactly five LEDs in the workload's color; a rolling update shows
// old and new colors, then only new; the failover empties eu's lane and fills us's. The demo
// runs in this process at a fast simulator speed. Screenshots go to test/artifacts/.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, openDemoPage } from './open-page.ts';
const DOCS_SHOT = new URL('../../docs/demo.png', import.meta.url).pathname;

if (!existsSync(CHROMIUM)) {
  t.comment(`skipping the browser test: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
  t.test('demo page in chromium', { skip: `${CHROMIUM} is missing` }, async () => {});
} else {
  t.test('demo page in chromium', async (t) => {
    const { demo, page, errors } = await openDemoPage(t, { speed: 5, viewport: { width: 1600, height: 1000 } });

    // In the page: counts of lit LEDs of a board (or one lane of it) by color class.
    await page.addScriptTag({
      content: `
        window.__ledCount = (board, lane, target) => {
          const el = document.querySelector('[data-board="' + board + '"]');
          if (!el) return null;
          let first = 0, count = Infinity;
          if (lane !== null) {
            const l = [...el.querySelectorAll('[data-lane]')].find((x) => x.dataset.label === lane || x.dataset.label.endsWith('/' + lane));
            if (!l) return { lit: 0, match: 0, classes: {} };
            first = Number(l.dataset.first); count = Number(l.dataset.count);
          }
          const out = { lit: 0, match: 0, classes: { old: 0, new: 0, other: 0 } };
          const tr = target ? [parseInt(target.slice(0, 2), 16), parseInt(target.slice(2, 4), 16), parseInt(target.slice(4, 6), 16)] : null;
          for (const led of el.querySelectorAll('[data-led]')) {
            const i = Number(led.dataset.led);
            if (i < first || i >= first + count) continue;
            const [r, g, b] = led.dataset.rgb.split(',').map(Number);
            const m = Math.max(r, g, b);
            if (m < 6) continue;
            out.lit++;
            if (tr) {
              const tm = Math.max(...tr);
              if ([r, g, b].every((v, k) => Math.abs(v / m - tr[k] / tm) <= 0.2)) out.match++;
            }
            // Rolling update classes: v1 yellow (no blue), v2 sky blue or its lighter tint (blue high, red lower).
            if (r > 0.6 * m && g > 0.6 * m && b < 0.55 * m) out.classes.old++;
            else if (b > 0.8 * m && r < 0.6 * m) out.classes.new++;
            else out.classes.other++;
          }
          return out;
        };`,
    });
    type Count = { lit: number; match: number; classes: { old: number; new: number; other: number } };
    const count = (board: string, lane: string | null, target?: string) =>
      page.evaluate(([b, l, c]) => (window as any).__ledCount(b, l, c), [board, lane, target ?? null] as const) as Promise<Count | null>;
    const shoot = async (name: string, path = join(ARTIFACTS, name)) => {
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path });
    };
    async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
      const end = Date.now() + ms;
      for (;;) {
        const v = await fn();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    }

    await t.test('every board appears, labelled by cluster, node and architecture', async (t) => {
      await page.waitForSelector('body[data-ready="true"]');
      for (const b of demo.boards) {
        const el = page.locator(`[data-board="${b.id}"]`);
        await el.waitFor();
        t.equal(await el.locator('[data-led]').count(), b.settings.ledCount, `${b.id}: ${b.settings.ledCount} LEDs`);
        if (b.arch) t.equal(await el.getAttribute('data-arch'), b.arch, `${b.id} is ${b.arch}`);
      }
      t.equal(await page.locator('[data-cluster="eu"] [data-arch="arm64"].board').count(), 2, 'eu has two arm64 node strips');
      t.equal(await page.locator('[data-play]').count(), 10, 'ten stories to play');
      await until('boards in sync', async () => (await page.locator('[data-board][data-online="true"]').count()) === demo.boards.length);
      await until('the baseline lit', async () => ((await count('eu-overview', null))?.lit ?? 0) >= 5);
      await shoot('demo-start.png');
    });

    await t.test('"scale to 5" lights exactly five LEDs in the workload\'s color', async (t) => {
      const row = page.locator('[data-workload="eu/shop/web"]');
      await row.waitFor();
      const color = (await row.getAttribute('data-color'))!;
      t.equal(color, '9678f0');
      await row.locator('button[data-scale="5"]').click();
      const start = Date.now();
      const stable = async () => {
        const c = await count('eu-overview', 'web', color);
        if (c?.match !== 5) return false;
        await new Promise((r) => setTimeout(r, 500));
        return (await count('eu-overview', 'web', color))?.match === 5 ? c : false;
      };
      const c = await until('5 LEDs in 00e6d2 on eu-overview', stable, 10_000);
      t.equal(c.match, 5, `5 lit in ${color} after ${Date.now() - start} ms`);
      t.equal(c.lit, 5, 'and nothing else lit in its lane');
      t.equal(((await count('eu-overview', null, color)) as Count).match, 5, 'exactly 5 in that color on the whole strip');
      await shoot('demo-scale-5.png');
    });

    await t.test('a rolling update shows old and new colors, then only new', async (t) => {
      await page.click('[data-play="rolling"]');
      await page.waitForSelector('[data-running="rolling"]');
      let shot = false;
      const mixed = await until('old and new side by side', async () => {
        const c = await count('eu-overview', 'rolling-demo');
        if (c && c.classes.old > 0 && c.classes.new > 0) {
          if (!shot) {
            await shoot('demo-rolling.png');
            if (process.env.PODLIGHTS_UPDATE_DOCS) await shoot('', DOCS_SHOT);
          }
          shot = true;
          return c;
        }
        return false;
      });
      t.pass(`mid-rollout: ${mixed.classes.old} old, ${mixed.classes.new} new`);
      const done = await until('only new', async () => {
        const c = await count('eu-overview', 'rolling-demo');
        return c && c.lit === 6 && c.classes.new === 6 && c.classes.old === 0 ? c : false;
      });
      t.equal(done.classes.new, 6, 'six v2 pods, no v1 left');
      await shoot('demo-rolled.png');
    });

    await t.test('failover empties eu\'s lane and fills us\'s', async (t) => {
      await page.click('[data-play="failover"]');
      await page.waitForSelector('[data-running="failover"]');
      const board = demo.boards.find((b) => b.kind === 'failover')!.id;
      const before = await until('eu serving (green) and us on standby (sky blue)', async () => {
        const eu = await count(board, 'eu', '00ff00');
        const us = await count(board, 'us', '00b4ff');
        return eu && us && eu.match === 4 && us.match === 2 ? { eu, us } : false;
      });
      t.pass(`before: eu ${before.eu.match} green, us ${before.us.match} blue`);
      await shoot('demo-failover-before.png');
      const after = await until('eu dark, us 4 sky blue', async () => {
        const eu = await count(board, 'eu');
        const us = await count(board, 'us', '00b4ff');
        return eu && us && eu.lit === 0 && us.match === 4 && us.lit === 4 ? { eu, us } : false;
      }, 30_000);
      t.equal(after.eu.lit, 0, 'eu lane empty');
      t.equal(after.us.match, 4, 'us lane: 4 blue pods');
      await shoot('demo-failover-after.png');
    });

    await t.test('phone-sized screen', async (t) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      t.ok(overflow <= 1, `no sideways scrolling (overflow ${overflow}px)`);
      await page.screenshot({ path: join(ARTIFACTS, 'demo-phone.png'), fullPage: true });
    });

    t.same(errors, [], 'no errors in the page');
  });
}
