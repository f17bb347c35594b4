// Lane labels keep the workload's name whole (issue 11, item 11): "bluegreen-green" in
// namespace podlights-demo was sent as "Deployment/podlights-demo/bluegreen-gree" (cut at 40
// characters), so every display showed "bluegreen-gree".
import t from 'tap';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import { laneLabel } from '../../bridge/view/lanes.ts';

t.test('laneLabel drops leading parts before it cuts the name', async (t) => {
  t.equal(laneLabel('Deployment/shop/web'), 'Deployment/shop/web');
  t.equal(laneLabel('Deployment/podlights-demo/bluegreen-green'), 'podlights-demo/bluegreen-green');
  t.equal(laneLabel('Deployment/a-very-long-namespace-name-indeed/bluegreen-green'), 'bluegreen-green');
  t.equal(laneLabel(`Deployment/ns/${'x'.repeat(50)}`).length, 40, 'a name longer than the limit is cut, with an ellipsis');
  t.match(laneLabel(`Deployment/ns/${'x'.repeat(50)}`), /…$/);
});

t.test('the demo overview names bluegreen-green in full', async (t) => {
  const demo = new Demo({ kubeconfig: join(t.testdir({}), 'kubeconfig'), brokerPort: 0, speed: 20 });
  await demo.start();
  t.teardown(() => demo.stop());
  await demo.scenarios.play('blue-green');
  const end = Date.now() + 60_000;
  let labels: string[] = [];
  while (Date.now() < end) {
    labels = demo.boardsInfo().find((b) => b.id === 'eu-overview')!.lanes.map((l) => l.label);
    if (labels.some((l) => l.includes('bluegreen-gree'))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(labels.some((l) => l.endsWith('/bluegreen-green')), `whole: ${labels.join(', ')}`);
});
