// The view: selection by the seed's and podlights' labels, colors, states, lanes per cluster
// with health, rollouts with a tinted new revision, stable handles.
import t from 'tap';
import { GROUP_FLAG, HEALTH, POD_STATE } from '../../protocol/index.ts';
import { BoardView } from '../../bridge/view/board-view.ts';
import type { BoardViewConfig } from '../../bridge/view/board-view.ts';
import { podState } from '../../bridge/view/pod-state.ts';
import { cluster, pod, workload } from './fixtures.ts';

const config = (over: Partial<BoardViewConfig> = {}): BoardViewConfig => ({
  boardId: 'b', ledCount: 60, lanes: 'cluster', layout: 'compact', brightness: 128, ...over,
});

t.test('pod states from status', async (t) => {
  const cases: [Parameters<typeof pod>[0], number][] = [
    [{ name: 'a', phase: 'Pending', scheduled: false, nodeName: undefined }, POD_STATE.PENDING],
    [{ name: 'b', phase: 'Pending', waiting: ['ContainerCreating'] }, POD_STATE.CREATING],
    [{ name: 'c' }, POD_STATE.RUNNING],
    [{ name: 'd', ready: false }, POD_STATE.NOT_READY],
    [{ name: 'e', deleting: true }, POD_STATE.TERMINATING],
    [{ name: 'f', phase: 'Succeeded' }, POD_STATE.SUCCEEDED],
    [{ name: 'g', phase: 'Failed' }, POD_STATE.FAILED],
    [{ name: 'h', ready: false, waiting: ['CrashLoopBackOff'], restarts: 4 }, POD_STATE.CRASH_LOOP],
    [{ name: 'i', phase: 'Pending', waiting: ['ImagePullBackOff'] }, POD_STATE.FAILED],
    [{ name: 'j', phase: 'Unknown' }, POD_STATE.UNKNOWN],
  ];
  for (const [p, expected] of cases) t.equal(podState(pod(p)), expected, p.name);
});

t.test('selection: seed label, podlights label, selector, namespaces', async (t) => {
  const pods = [
    pod({ name: 'seed', labels: { blinkt: 'show', blinktColor: 'ffff00' } }),
    pod({ name: 'own', labels: { 'podlights.io/show': 'true', 'podlights.io/color': '00ff00' } }),
    pod({ name: 'plain', labels: { app: 'web' } }),
    pod({ name: 'other-ns', namespace: 'kube-system' }),
  ];
  const c = cluster('eu', { pods });
  const s = new BoardView(config()).compute([c]);
  t.equal(Object.keys(s.pods).length, 3, 'labelled pods only');
  const colors = Object.values(s.groups).map((g) => [g.r, g.g, g.b].join(','));
  t.ok(colors.includes('255,255,0'), 'blinktColor');
  t.ok(colors.includes('0,255,0'), 'podlights.io/color');
  const withSelector = new BoardView(config({ selector: 'app in (web)', namespaces: ['default'] })).compute([c]);
  t.equal(Object.keys(withSelector.pods).length, 3, 'selector adds web, namespace filter drops kube-system');
  t.throws(() => new BoardView(config({ selector: 'app in (' })), 'a broken selector is refused');
});

t.test('lanes per cluster, side by side, with health', async (t) => {
  const eu = cluster('eu', { pods: [pod({ name: 'e1' }), pod({ name: 'e2' })], health: 'unreachable' });
  const us = cluster('us', { pods: [pod({ name: 'u1' })] });
  const s = new BoardView(config()).compute([eu, us]);
  const lanes = Object.entries(s.lanes).map(([id, l]) => ({ id: Number(id), ...l }));
  t.same(lanes.map((l) => [l.label, l.first, l.count]), [['eu', 0, 30], ['us', 30, 30]]);
  t.equal(s.clusters[lanes[0].id], HEALTH.UNREACHABLE);
  t.equal(s.clusters[lanes[1].id], HEALTH.HEALTHY);
  const inLane = (id: number) => Object.values(s.pods).filter((p) => p.lane === id).length;
  t.same([inLane(lanes[0].id), inLane(lanes[1].id)], [2, 1]);
});

t.test('node lanes include empty nodes; a NotReady node shows unreachable', async (t) => {
  const nodes = [
    { name: 'n-amd', arch: 'amd64', ready: true, labels: {} },
    { name: 'n-arm', arch: 'arm64', ready: false, labels: {} },
  ];
  const s = new BoardView(config({ lanes: 'node', ledCount: 8 })).compute([cluster('eu', { nodes, pods: [pod({ name: 'p', nodeName: 'n-amd' })] })]);
  const lanes = Object.entries(s.lanes).map(([id, l]) => ({ id: Number(id), ...l }));
  t.same(lanes.map((l) => [l.label, l.count]), [['n-amd amd64', 4], ['n-arm arm64', 4]]);
  t.equal(s.clusters[lanes[1].id], HEALTH.UNREACHABLE);
});

t.test('a rolling update: new revision tinted and flagged, rollout progress, then plain', async (t) => {
  const deploy = workload({ kind: 'Deployment', name: 'web', desired: 4, updated: 2, ready: 4, available: 4 });
  const rsOld = workload({ kind: 'ReplicaSet', name: 'web-aaa', owner: 'web', revision: 'aaa', revisionNumber: 1 });
  const rsNew = workload({ kind: 'ReplicaSet', name: 'web-bbb', owner: 'web', revision: 'bbb', revisionNumber: 2 });
  const mk = (name: string, rs: string, rev: string) => pod({ name, owner: { kind: 'ReplicaSet', name: rs }, revision: rev, labels: { blinkt: 'show', blinktColor: '0000ff' } });
  const oldPods = [mk('o1', 'web-aaa', 'aaa'), mk('o2', 'web-aaa', 'aaa')];
  const newPods = [mk('n1', 'web-bbb', 'bbb'), mk('n2', 'web-bbb', 'bbb')];
  const view = new BoardView(config());
  const during = view.compute([cluster('eu', { pods: [...oldPods, ...newPods], workloads: [deploy, rsOld, rsNew] })]);
  const groups = Object.entries(during.groups).map(([id, g]) => ({ id: Number(id), ...g }));
  t.equal(groups.length, 2, 'old and new revision are two groups');
  const fresh = groups.find((g) => g.flags & GROUP_FLAG.NEW_REVISION)!;
  t.ok(fresh, 'the new revision is flagged');
  t.not([fresh.r, fresh.g, fresh.b].join(), '0,0,255', 'and tinted');
  const rollouts = Object.values(during.rollouts);
  t.same(rollouts.map((r) => [r.desired, r.updated, r.group]), [[4, 2, fresh.id]]);

  const done = { ...deploy, updated: 4 };
  const after = view.compute([cluster('eu', { pods: [...newPods, mk('n3', 'web-bbb', 'bbb'), mk('n4', 'web-bbb', 'bbb')], workloads: [done, rsOld, rsNew] })]);
  t.same(Object.keys(after.rollouts), [], 'rollout finished');
  t.same(after.groups[fresh.id], { r: 0, g: 0, b: 255, flags: 0 }, 'same group id, plain color: pods keep their LEDs');
  const handleOf = (s: typeof during, groupId: number) => Object.entries(s.pods).filter(([, p]) => p.group === groupId).map(([h]) => h);
  const kept = handleOf(during, fresh.id);
  t.equal(kept.length, 2);
  t.ok(kept.every((h) => handleOf(after, fresh.id).includes(h)), 'n1 and n2 keep their handles');
});

t.test('handles are stable and reused lowest first', async (t) => {
  const a = pod({ name: 'a' });
  const b = pod({ name: 'b' });
  const c = pod({ name: 'c' });
  const view = new BoardView(config());
  const s1 = view.compute([cluster('eu', { pods: [a, b, c] })]);
  t.same(Object.keys(s1.pods), ['0', '1', '2']);
  const s2 = view.compute([cluster('eu', { pods: [a, c] })]);
  t.same(Object.keys(s2.pods), ['0', '2'], 'a and c keep theirs');
  const d = pod({ name: 'd' });
  const s3 = view.compute([cluster('eu', { pods: [a, c, d] })]);
  t.same(Object.keys(s3.pods), ['0', '1', '2'], 'd takes the freed handle 1');
});

t.test('patch: a pod updated in place changes only its state; anything more asks for a recompute', async (t) => {
  const a = pod({ name: 'a' });
  const b = pod({ name: 'b' });
  const view = new BoardView(config());
  const c1 = cluster('eu', { pods: [a, b] });
  const s1 = view.compute([c1]);
  const b2 = { ...b, ready: false };
  const c2 = cluster('eu', { pods: [a, b2] });
  const s2 = view.patch([{ cluster: c2, pods: [b2] }]);
  t.ok(s2, 'patched');
  t.same(s2, view.compute([c2]), 'the patch equals a recomputation');
  t.not(s2!.pods, s1.pods, 'copy on write: the state the link holds is untouched');
  t.equal(s1.pods[1].state, POD_STATE.RUNNING);
  t.equal(s2!.pods[1].state, POD_STATE.NOT_READY);
  const hidden = { ...b2, labels: {} };
  t.equal(view.patch([{ cluster: cluster('eu', { pods: [a, hidden] }), pods: [hidden] }]), undefined, 'a pod no longer shown: recompute');
  const view2 = new BoardView(config());
  t.equal(view2.patch([{ cluster: c1, pods: [a] }]), undefined, 'nothing computed yet: recompute');
});
