// The demo page on the screens it meets (issue 11, items 8 and 9), in headless Chromium: on a
// 1280x720 projector every strip and every story is on screen at once with LEDs of 24 px or
// more; P gives presenter mode (no chrome, strips no smaller, story keys still there); on a
// 390x844 phone the story keys stay on screen while the strips scroll. And what used to be
// invisible is shown: the DNS TTL countdown, the Service's target lane in blue-green.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, CHROMIUM, openDemoPage } from './open-page.ts';

interface Box {
  id: string;
  top: number;
  bottom: number;
  left: number;
  right: number;
  led: number;
}

if (!existsSync(CHROMIUM)) {
  t.test('demo page layout in chromium', { skip: `${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)` }, async () => {});
} else {
  t.test('demo page layout in chromium', async (t) => {
    // Slow enough that the blue-green flip (3 s of simulated time) is on screen for most of a second.
    const { demo, page, errors } = await openDemoPage(t, { speed: 4, viewport: { width: 1280, height: 720 } });
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForFunction((n) => document.querySelectorAll('[data-board] [data-led]').length >= n, demo.boards.reduce((a, b) => a + b.settings.ledCount!, 0));

    const boxes = (): Promise<Box[]> =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-board]')].map((b) => {
          const r = b.getBoundingClientRect();
          const led = b.querySelector('[data-led]')!.getBoundingClientRect();
          return { id: b.dataset.board!, top: r.top, bottom: r.bottom, left: r.left, right: r.right, led: led.width };
        }),
      );
    const rectOf = (selector: string) => page.evaluate((s) => {
      const el = document.querySelector(s);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, width: r.width, height: r.height };
    }, selector);
    const until = async (what: string, fn: () => Promise<boolean>, ms = 60_000) => {
      const end = Date.now() + ms;
      while (!(await fn())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    };

    await t.test('1280x720: every strip and every story at once, LEDs of 24 px or more', async (t) => {
      const all = await boxes();
      t.equal(all.length, demo.boards.length);
      for (const b of all) {
        t.ok(b.top >= 0 && b.bottom <= 720 && b.left >= 0 && b.right <= 1280, `${b.id} on screen (${Math.round(b.top)}..${Math.round(b.bottom)})`);
        t.ok(b.led >= 24, `${b.id}: LEDs ${b.led.toFixed(1)} px`);
      }
      const overview = all.find((b) => b.id === 'eu-overview')!;
      const node = all.find((b) => b.id === 'eu-amd64-1')!;
      t.ok(overview.led >= node.led, 'the overview strip is not the one with the smallest LEDs');
      for (let i = 1; i <= 10; i++) {
        const r = await rectOf(`.scenario:nth-child(${i}) [data-play]`);
        t.ok(r && r.top >= 0 && r.bottom <= 720, `story ${i % 10} on screen`);
      }
      await page.screenshot({ path: join(ARTIFACTS, 'layout-1280x720.png') });
    });

    await t.test('presenter mode (P): no chrome, strips no smaller, every one still on screen, keys at hand', async (t) => {
      const before = await boxes();
      await page.keyboard.press('p');
      await page.waitForFunction(() => document.body.classList.contains('presenter'));
      t.same(await rectOf(".top"), { top: 0, bottom: 0, width: 0, height: 0 }, "no page header");
      t.equal((await rectOf('.right'))?.width, 0, 'no side column');
      const keybar = (await rectOf('#keybar'))!;
      t.ok(keybar.height > 0 && keybar.bottom <= 720, 'story keys at the bottom');
      for (const b of await boxes()) {
        const was = before.find((x) => x.id === b.id)!;
        t.ok(b.led >= was.led - 0.5, `${b.id}: LEDs ${was.led.toFixed(1)} -> ${b.led.toFixed(1)} px`);
        t.ok(b.top >= 0 && b.bottom <= keybar.top + 1, `${b.id} on screen above the keys`);
      }
      await page.screenshot({ path: join(ARTIFACTS, 'layout-presenter.png') });
      await page.keyboard.press('p');
    });

    await t.test('the DNS TTL is counted down, where the story is told', async (t) => {
      await page.click('[data-play="failover"]');
      await until('a countdown', async () => (await page.locator('#now-playing [data-countdown]').count()) > 0);
      t.match(await page.locator('#now-playing [data-countdown]').first().textContent(), /^DNS TTL: clients move to us in \d+ s$/);
      await page.click('[data-cancel]');
      await until('the story stopped', async () => (await page.locator('[data-running]').count()) === 0);
    });

    await t.test('blue-green: the lane the Service sends traffic to is marked, and the mark moves', async (t) => {
      const marked = () => page.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-board="eu-overview"] [data-lane][data-traffic="true"]')].map((l) => l.dataset.label!.split('/').pop()));
      // The LEDs themselves: the brightest channel of a lane's LEDs (the waiting side is dimmed by
      // the bridge, so the strip shows the switch, not only the page's mark).
      const laneMax = (suffix: string) =>
        page.evaluate((suffix) => {
          const board = document.querySelector('[data-board="eu-overview"]')!;
          const lane = [...board.querySelectorAll<HTMLElement>('[data-lane]')].find((l) => l.dataset.label!.endsWith(suffix));
          if (!lane) return -1;
          const leds = [...board.querySelectorAll<HTMLElement>('[data-led]')];
          const first = Number(lane.dataset.first);
          const rgb = leds.slice(first, first + Number(lane.dataset.count)).flatMap((l) => l.dataset.rgb!.split(',').map(Number));
          return Math.max(0, ...rgb);
        }, suffix);
      const dimmer = async (idle: string, lit: string) => {
        const [a, b] = [await laneMax(idle), await laneMax(lit)];
        return a > 0 && b > 0 && a * 3 < b;
      };
      await page.click('[data-play="blue-green"]');
      await until('blue marked beside green', async () => {
        const m = await marked();
        const green = await page.locator('[data-board="eu-overview"] [data-lane][data-label$="bluegreen-green"]').count();
        return green > 0 && m.length === 1 && m[0] === 'bluegreen-blue';
      });
      t.pass('blue has the traffic while green starts');
      await until('green glows dim beside lit blue on the LEDs', () => dimmer('bluegreen-green', 'bluegreen-blue'));
      t.pass('on the strip, green waits dimmed while blue serves');
      await until('green marked', async () => (await marked()).includes('bluegreen-green'));
      t.pass('after the selector flip, green has it');
      await until('blue dim beside lit green on the LEDs', () => dimmer('bluegreen-blue', 'bluegreen-green'));
      t.pass('on the strip, blue is dimmed after the flip');
      await page.screenshot({ path: join(ARTIFACTS, 'layout-bluegreen.png') });
      await page.click('[data-cancel]').catch(() => {});
    });

    await t.test('390x844 phone: the story keys stay on screen while the strips scroll', async (t) => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      t.ok(overflow <= 1, `no sideways scrolling (${overflow}px)`);
      for (const id of ['gslb-eu-us', 'eu-overview', 'us-amd64-3']) {
        await page.locator(`[data-board="${id}"]`).scrollIntoViewIfNeeded();
        const keybar = (await rectOf('#keybar'))!;
        const keys = await page.locator('#keybar [data-key-play]').count();
        t.ok(keybar.height > 0 && keybar.top >= 0 && keybar.bottom <= 844, `keys on screen with ${id}`);
        t.equal(keys, 10, 'all ten stories');
        const strip = (await boxes()).find((b) => b.id === id)!;
        t.ok(strip.top >= 0 && strip.bottom <= keybar.top + 1, `${id} visible above the keys`);
      }
      await page.screenshot({ path: join(ARTIFACTS, 'layout-phone.png') });
    });

    t.same(errors, [], 'no errors in the page');
  });
}
