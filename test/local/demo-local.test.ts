// The demo with a local board: a WLED strip (the stand-in on loopback) joins the demo's bridge,
// is listed on the page with the real boards, and its pixels reach the page like a virtual
// strip's, equal to what the strip shows.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import type { DemoEvent } from '../../bridge/demo/demo.ts';
import { until } from '../bridge/harness.ts';
import { StandInWled } from './wled-standin.ts';

t.test('a local WLED board on the demo page', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-demo-local-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const wled = new StandInWled(20);
  await wled.start();
  t.teardown(() => wled.stop());
  const demo = new Demo({
    speed: 5,
    kubeconfig: join(dir, 'kubeconfig'),
    brokerPort: 0,
    local: { boards: [{ id: 'shelf', outputs: [{ type: 'wled', host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl }] }] },
  });
  const pixels: string[] = [];
  demo.on((e: DemoEvent) => {
    if (e.type === 'pixels' && e.data.shelf) pixels.push(e.data.shelf);
  });
  await demo.start();
  t.teardown(() => demo.stop());
  await until('the shelf board online on the page', () => demo.boardsInfo().some((b) => b.id === 'shelf' && b.online));
  const info = demo.boardsInfo().find((b) => b.id === 'shelf')!;
  t.match(info, { kind: 'external', virtual: true, ledCount: 20, caption: /local-wled via local/ }, 'listed with the real boards, drawn from its pixels');
  // The baseline workloads light the strip; the page's last pixels are what WLED shows.
  await until('the page and the strip agree on a lit frame', () => {
    const last = pixels[pixels.length - 1];
    return last !== undefined && wled.shown.some((v) => v > 0) && Buffer.from(last, 'base64').equals(wled.shown);
  });
  t.same(wled.problems, []);
});
