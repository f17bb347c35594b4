// The waiting side of a blue-green switch is dimmed on the strip (GROUP_FLAG.IDLE): a Service
// selector flip changes no pod, so without it the switch would not show on the LEDs at all.
import t from 'tap';
import { GROUP_FLAG } from '../../protocol/index.ts';
import { BoardView } from '../../bridge/view/board-view.ts';
import type { BoardViewConfig } from '../../bridge/view/board-view.ts';
import { idleWorkloads } from '../../bridge/view/traffic.ts';
import type { LeanService } from '../../bridge/kube/lean.ts';
import { cluster, pod, service, workload } from './fixtures.ts';

const config = (over: Partial<BoardViewConfig> = {}): BoardViewConfig => ({
  boardId: 'b', ledCount: 60, lanes: 'workload', layout: 'compact', brightness: 128, ...over,
});

/** Two Deployments of app `shop` (blue and green, each 2 pods with their own color) and the given Services. */
function blueGreen(services: LeanService[], extra: { canary?: boolean } = {}) {
  const tracks = [
    { name: 'shop-blue', version: 'blue', color: '0000ff' },
    { name: 'shop-green', version: 'green', color: '00ff00' },
  ];
  const workloads = tracks.flatMap((tr) => [
    workload({ kind: 'Deployment', name: tr.name, templateLabels: { app: 'shop', version: tr.version, blinkt: 'show' } }),
    workload({ kind: 'ReplicaSet', name: `${tr.name}-h${tr.version}`, owner: tr.name, revision: `h${tr.version}`, revisionNumber: 1, templateLabels: { app: 'shop', version: tr.version, 'pod-template-hash': `h${tr.version}` } }),
  ]);
  const pods = tracks.flatMap((tr) =>
    [1, 2].map((i) => pod({ name: `${tr.name}-${i}`, labels: { app: 'shop', version: tr.version, blinkt: 'show', blinktColor: tr.color }, owner: { kind: 'ReplicaSet', name: `${tr.name}-h${tr.version}` }, revision: `h${tr.version}` })),
  );
  if (extra.canary) workloads.push(workload({ kind: 'Deployment', name: 'other', templateLabels: { app: 'billing' } }));
  return cluster('eu', { pods, workloads, services });
}

/** Each group's color and flags, by the color its pods were labelled with. */
function groupsByPodColor(view: BoardView, c: ReturnType<typeof blueGreen>) {
  const s = view.compute([c]);
  const out = new Map<string, { hex: string; flags: number }>();
  for (const [handle, p] of Object.entries(s.pods)) {
    const key = s.podKeys?.[Number(handle)] ?? '';
    const g = s.groups[p.group];
    const track = key.includes('shop-blue') ? 'blue' : 'green';
    out.set(track, { hex: ((g.r << 16) | (g.g << 8) | g.b).toString(16).padStart(6, '0'), flags: g.flags });
  }
  return out;
}

t.test('the Service selects blue: green waits dimmed, blue is lit; the flip swaps them', async (t) => {
  const view = new BoardView(config());
  let g = groupsByPodColor(view, blueGreen([service('shop', { app: 'shop', version: 'blue' })]));
  t.same(g.get('blue'), { hex: '0000ff', flags: 0 }, 'blue serves at its own color');
  t.same(g.get('green'), { hex: '003f00', flags: GROUP_FLAG.IDLE }, 'green waits at a quarter, flagged IDLE');

  g = groupsByPodColor(view, blueGreen([service('shop', { app: 'shop', version: 'green' })]));
  t.same(g.get('green'), { hex: '00ff00', flags: 0 }, 'after the flip green is lit');
  t.same(g.get('blue'), { hex: '00003f', flags: GROUP_FLAG.IDLE }, 'and blue waits');
});

t.test('no mark where no Service passes one over for another', async (t) => {
  const cases: [string, LeanService[]][] = [
    ['no Service', []],
    ['a canary-style Service selecting both tracks', [service('shop', { app: 'shop' })]],
    ['a Service of another namespace', [service('shop', { app: 'shop', version: 'blue' }, 'elsewhere')]],
    ['a Service without a selector', [service('shop', {})]],
    ['a Service selecting neither', [service('shop', { app: 'shop', version: 'red' })]],
    ['an active and a preview Service (Argo Rollouts style)', [service('shop', { app: 'shop', version: 'blue' }), service('shop-preview', { app: 'shop', version: 'green' })]],
  ];
  for (const [what, services] of cases) {
    const g = groupsByPodColor(new BoardView(config()), blueGreen(services));
    t.same([g.get('blue')?.flags, g.get('green')?.flags], [0, 0], what);
    t.same([g.get('blue')?.hex, g.get('green')?.hex], ['0000ff', '00ff00'], `${what}: full colors`);
  }
});

t.test('only workloads of the same app are passed over', async (t) => {
  const c = blueGreen([service('shop', { app: 'shop', version: 'blue' })], { canary: true });
  t.same([...idleWorkloads(c)], ['Deployment/default/shop-green'], 'billing is another app: not idle');
  const recommended = cluster('eu', {
    workloads: [
      workload({ kind: 'Deployment', name: 'a', templateLabels: { 'app.kubernetes.io/name': 'shop', slot: 'a' } }),
      workload({ kind: 'Deployment', name: 'b', templateLabels: { 'app.kubernetes.io/name': 'shop', slot: 'b' } }),
    ],
    services: [service('shop', { 'app.kubernetes.io/name': 'shop', slot: 'b' })],
  });
  t.same([...idleWorkloads(recommended)], ['Deployment/default/a'], 'app.kubernetes.io/name names the app too');
});

t.test('another part of the app is not a waiting version of it', async (t) => {
  const chart = cluster('eu', {
    workloads: [
      workload({ kind: 'Deployment', name: 'shop-server', templateLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'server' } }),
      workload({ kind: 'Deployment', name: 'shop-worker', templateLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'worker' } }),
      workload({ kind: 'StatefulSet', name: 'shop-db', templateLabels: { 'app.kubernetes.io/name': 'shop', tier: 'db' } }),
    ],
    services: [service('shop', { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'server' })],
  });
  t.same([...idleWorkloads(chart)], [], "a chart's worker and database get no traffic and wait for none");
  const versions = cluster('eu', {
    workloads: [
      workload({ kind: 'Deployment', name: 'web-v1', templateLabels: { app: 'web', version: 'v1' } }),
      workload({ kind: 'Deployment', name: 'web-v2', templateLabels: { app: 'web', version: 'v2' } }),
      workload({ kind: 'Deployment', name: 'web-cron', templateLabels: { app: 'web' } }),
    ],
    services: [service('web', { app: 'web', version: 'v1' })],
  });
  t.same([...idleWorkloads(versions)], ['Deployment/default/web-v2'], 'v2 waits; a workload without the version key is not a version');
});
