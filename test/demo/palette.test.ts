// No two meanings confusable on an LED (issue 11, item 7): the palette, the stories' colors and
// the demo's workloads keep an LED distance (OKLab at full brightness) from every state color of
// the firmware and from each other; the seed's violet and a workload painted crash red are
// caught; the legend shows the strips' exact colors; the demo warns about a confusable label.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import { legendColors } from '../../bridge/demo/legend.ts';
import { BASELINE } from '../../bridge/demo/workloads.ts';
import { COLORS, DEMO_NS, apply, demoDeployment } from '../../bridge/sim/scenarios/helpers.ts';
import { R } from '../../bridge/sim/resources.ts';
import { PALETTE, PALETTE_DISTANCE, STATE_COLORS, STATE_DISTANCE, colorDistance, confusableState, hexColor, parseColor } from '../../bridge/view/colors.ts';
import { AMBER, DARK_RED, MAGENTA, RED, WHITE } from '../../firmware/core/anim.ts';

const hex = (n: number) => n.toString(16).padStart(6, '0');

t.test('every workload color keeps away from every state color', async (t) => {
  const colors = [...PALETTE.map(hexColor), ...Object.values(COLORS), ...BASELINE.map((b) => b.color)];
  for (const c of new Set(colors)) {
    for (const s of STATE_COLORS) {
      const d = colorDistance(parseColor(c)!, s.color);
      t.ok(d >= STATE_DISTANCE, `${c} vs ${s.name} (${s.meaning}): ${d.toFixed(2)}`);
    }
  }
});

t.test('palette colors, and colors that share a strip, keep apart', async (t) => {
  for (const [i, a] of PALETTE.entries()) for (const b of PALETTE.slice(i + 1)) t.ok(colorDistance(a, b) >= PALETTE_DISTANCE, `${hexColor(a)} vs ${hexColor(b)}: ${colorDistance(a, b).toFixed(2)}`);
  const together = [[COLORS.v1, COLORS.v2], [COLORS.blue, COLORS.green], ...BASELINE.flatMap((b) => Object.values(COLORS).map((c) => [b.color, c]))];
  for (const [a, b] of together) if (a !== b) t.ok(colorDistance(parseColor(a)!, parseColor(b)!) >= PALETTE_DISTANCE, `${a} vs ${b}`);
});

t.test('the seed colors that lied are caught', async (t) => {
  t.equal(confusableState(parseColor('a81399')!)?.name, 'magenta', "the seed's violet reads as the overflow marker");
  t.equal(confusableState(parseColor('ff0000')!)?.name, 'red', 'a workload painted ff0000 reads as a crash');
  t.equal(confusableState(parseColor('0000ff')!)?.name, 'blue', "the seed's blue reads as a board waiting for the bridge");
  t.equal(confusableState(parseColor(COLORS.v2)!), undefined);
});

t.test('the legend shows the exact colors the strips use', async (t) => {
  const l = legendColors();
  t.same([l.red, l.white, l.darkred, l.amber, l.magenta], [RED, WHITE, DARK_RED, AMBER, MAGENTA].map(hex));
  t.same([l.v1, l.v2], [COLORS.v1, COLORS.v2]);
  const html = readFileSync(new URL('../../bridge/web/index.html', import.meta.url), 'utf8');
  const legend = html.slice(html.indexOf('id="legend"'), html.indexOf('</section>', html.indexOf('id="legend"')));
  t.notMatch(legend, /#[0-9a-fA-F]{3,6}/, 'no hand-picked color in the legend');
  for (const m of legend.matchAll(/var\(--([a-z0-9]+)\)/g)) t.ok(m[1] in l, `--${m[1]} comes from the strips' colors`);
});

t.test('the demo warns when a label color looks like a state', async (t) => {
  const lines: string[] = [];
  const demo = new Demo({ kubeconfig: join(t.testdir({}), 'kubeconfig'), brokerPort: 0, log: (l) => lines.push(l) });
  await demo.start();
  t.teardown(() => demo.stop());
  apply(demo.fleet.get('eu'), R.deployments, demoDeployment({ name: 'alarm', replicas: 1, version: 'v1', color: 'ff0000' }));
  const end = Date.now() + 30_000;
  // The demo says it on the page log and its own line; the bridge under it says it too.
  const demoLines = () => lines.filter((l) => l.startsWith('demo:') && l.includes('alarm'));
  while (demoLines().length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  t.match(lines.join('\n'), `workload ${DEMO_NS}/alarm is labelled color ff0000, which on a strip looks like red (a crash-looping or failed pod): choose another color`);
  t.equal(demoLines().length, 1, 'said once');
  t.notOk(lines.some((l) => /shop\/(web|api) is labelled/.test(l)), 'the baseline workloads are fine');
});
