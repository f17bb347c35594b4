// Defects a real control plane showed (issue 9), each pinned here: an unscheduled pod borrowing
// a node's lane and flashing red when bound, scale-ups and NotReady nodes shown as rollouts,
// stale rollout status, cordon invisible, a deleted node's lane healthy, colors that depended on
// the kubeconfig context name, terminating pods that jumped lanes when their Deployment went.
import t from 'tap';
import { GROUP_FLAG, HEALTH, MSG, POD_STATE } from '../../protocol/index.ts';
import { BoardView } from '../../bridge/view/board-view.ts';
import type { BoardViewConfig } from '../../bridge/view/board-view.ts';
import { diffMessages } from '../../bridge/link/diff.ts';
import { cluster, node, pod, workload } from './fixtures.ts';

const config = (over: Partial<BoardViewConfig> = {}): BoardViewConfig => ({
  boardId: 'b', ledCount: 60, lanes: 'cluster', layout: 'compact', brightness: 128, ...over,
});
const nodes = [node('n1'), node('n2')];
const laneLabels = (s: ReturnType<BoardView['compute']>) => Object.values(s.lanes).map((l) => l.label);

t.test('an unscheduled pod waits in a lane of its own and moves to its node without a delete', async (t) => {
  const view = new BoardView(config({ lanes: 'node' }));
  const waiting = pod({ name: 'p', nodeName: undefined, scheduled: false, phase: 'Pending' });
  const before = view.compute([cluster('eu', { nodes, pods: [pod({ name: 'a', nodeName: 'n1' }), waiting] })]);
  t.same(laneLabels(before).map((l) => l.split(' ')[0]), ['n1', 'n2', 'unscheduled']);
  const laneOf = (s: typeof before, label: string) => Number(Object.entries(s.lanes).find(([, l]) => l.label.startsWith(label))![0]);
  const handle = Number(Object.entries(before.pods).find(([, p]) => p.state === POD_STATE.PENDING)![0]);
  t.equal(before.pods[handle].lane, laneOf(before, 'unscheduled'), 'not in the first node lane');
  const bound = { ...waiting, nodeName: 'n2', scheduled: true, waiting: ['ContainerCreating'] };
  const after = view.compute([cluster('eu', { nodes, pods: [pod({ name: 'a', nodeName: 'n1' }), bound] })]);
  t.equal(after.pods[handle].lane, laneOf(after, 'n2'), 'same handle, its node lane');
  const delta = diffMessages(before, after);
  t.notOk(delta.some((m) => m.type === MSG.POD_DEL), 'no POD_DEL: the board shows no red exit');
  t.ok(delta.some((m) => m.type === MSG.POD_ADD && m.pod === handle), 'POD_ADD replaces it in its new lane');
});

t.test('a handle reused for another pod is still deleted first', async (t) => {
  const view = new BoardView(config({ lanes: 'node' }));
  const one = view.compute([cluster('eu', { nodes, pods: [pod({ name: 'a', nodeName: 'n1' })] })]);
  const two = view.compute([cluster('eu', { nodes, pods: [pod({ name: 'b', nodeName: 'n2' })] })]);
  t.ok(diffMessages(one, two).some((m) => m.type === MSG.POD_DEL), 'the old pod leaves with POD_DEL');
});

const deploy = (over = {}) => workload({ kind: 'Deployment', name: 'web', desired: 6, updated: 6, ready: 6, available: 6, ...over });
const rs = (hash: string, n: number) => workload({ kind: 'ReplicaSet', name: `web-${hash}`, owner: 'web', revision: hash, revisionNumber: n });
const mk = (name: string, hash: string, over = {}) => pod({ name, owner: { kind: 'ReplicaSet', name: `web-${hash}` }, revision: hash, ...over });

t.test('scale-up, a deleted pod and a NotReady node are not rollouts', async (t) => {
  const view = new BoardView(config());
  const running = ['a', 'b', 'c'].map((n) => mk(n, 'aaa'));
  const scaling = view.compute([cluster('eu', { pods: [...running, mk('d', 'aaa', { phase: 'Pending', ready: false })], workloads: [deploy({ desired: 6, updated: 4, ready: 3, available: 3, pending: true }), rs('aaa', 1)] })]);
  t.same(Object.keys(scaling.rollouts), [], 'scale-up: no rollout');
  t.ok(Object.values(scaling.groups).every((g) => (g.flags & GROUP_FLAG.NEW_REVISION) === 0), 'and no new-revision tint');
  const notReady = view.compute([cluster('eu', { pods: running.map((p) => ({ ...p, ready: false })), workloads: [deploy({ ready: 0, available: 0 }), rs('aaa', 1)] })]);
  t.same(Object.keys(notReady.rollouts), [], 'pods not ready: no rollout');
});

t.test('a template change is a rollout, counted from pods while the status is stale', async (t) => {
  const view = new BoardView(config());
  const old = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => mk(n, 'aaa'));
  // kubectl set image: the new ReplicaSet exists, three new pods start at once, the status still says 6/6/6/6.
  const fresh = ['x', 'y', 'z'].map((n) => mk(n, 'bbb', { phase: 'Pending', ready: false }));
  const s = view.compute([cluster('eu', { pods: [...old, ...fresh], workloads: [deploy({ pending: true }), rs('aaa', 1), rs('bbb', 2)] })]);
  const rollouts = Object.values(s.rollouts);
  t.equal(rollouts.length, 1, 'a rollout');
  t.same([rollouts[0].desired, rollouts[0].updated, rollouts[0].ready], [6, 3, 0], 'progress from the pods, not the stale status');
});

t.test('cordon shows; a deleted node with stuck pods is not healthy', async (t) => {
  const view = new BoardView(config({ lanes: 'node' }));
  const cordoned = view.compute([cluster('eu', { nodes: [node('n1', { unschedulable: true }), node('n2')], pods: [pod({ name: 'a', nodeName: 'n1' })] })]);
  const health = (s: typeof cordoned, label: string) => s.clusters[Number(Object.entries(s.lanes).find(([, l]) => l.label.startsWith(label))![0])];
  t.equal(health(cordoned, 'n1'), HEALTH.DEGRADED, 'cordoned: degraded');
  t.equal(health(cordoned, 'n2'), HEALTH.HEALTHY);
  const gone = view.compute([cluster('eu', { nodes: [node('n2')], pods: [pod({ name: 'a', nodeName: 'n1', ready: false })] })]);
  t.equal(health(gone, 'n1'), HEALTH.UNREACHABLE, 'deleted node, pod still there: unreachable');
});

t.test("a workload's color does not depend on the context name", async (t) => {
  const colorIn = (name: string) => {
    const s = new BoardView(config()).compute([cluster(name, { pods: [mk('a', 'aaa', { labels: { blinkt: 'show' } })], workloads: [deploy(), rs('aaa', 1)] })]);
    return Object.values(s.groups)[0];
  };
  t.same(colorIn('kind-eu'), colorIn('prod-admin@eu-west'));
});

t.test('pods of a deleted Deployment keep their lane while they terminate', async (t) => {
  const view = new BoardView(config({ lanes: 'workload' }));
  const other = workload({ kind: 'Deployment', name: 'api' });
  const apiPod = pod({ name: 'api-1', owner: { kind: 'ReplicaSet', name: 'api-ccc' }, revision: 'ccc' });
  const apiRs = workload({ kind: 'ReplicaSet', name: 'api-ccc', owner: 'api', revision: 'ccc', revisionNumber: 1 });
  const before = view.compute([cluster('eu', { pods: [mk('a', 'aaa'), apiPod], workloads: [deploy(), rs('aaa', 1), other, apiRs] })]);
  const after = view.compute([cluster('eu', { pods: [mk('a', 'aaa', { deleting: true }), apiPod], workloads: [other, apiRs] })]);
  t.same(laneLabels(after), laneLabels(before), 'the same lanes');
  t.same(Object.values(after.lanes), Object.values(before.lanes), 'nothing moved or resized');
});
