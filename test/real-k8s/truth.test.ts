// The real-k8s oracle on its own (no control plane needed): from API objects it expects each
// pod in its node's lane, in its state, one group per revision, a tint and a rollout record only
// mid-rollout; and it names what a wrong board got wrong.
import t from 'tap';
import { HEALTH, POD_STATE } from '../../protocol/index.ts';
import { compare, truthFrom } from './truth.ts';
import type { BoardReading } from './truth.ts';

const node = (name: string, extra: { ready?: boolean; unschedulable?: boolean } = {}) => ({
  kind: 'Node',
  metadata: { name },
  spec: { unschedulable: extra.unschedulable },
  status: { conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
});
const rs = (name: string, revision: string) => ({
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', annotations: { 'deployment.kubernetes.io/revision': revision }, ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
});
const pod = (name: string, rsName: string, nodeName: string | undefined, ready = true) => ({
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels: { app: 'web', blinkt: 'show', blinktColor: 'ffff00' }, ownerReferences: [{ kind: 'ReplicaSet', name: rsName, controller: true }] },
  spec: { nodeName },
  status: nodeName ? { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } : { phase: 'Pending' },
});
const deploy = { kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3 } };

function board(lanes: [number, string, number][], pods: [number, number, number][], groups: [number, string, boolean][], rollouts: { group: number; desired: number }[] = []): BoardReading {
  return {
    lanes: new Map(lanes.map(([id, label, health]) => [id, { label, health }])),
    pods: pods.map(([lane, group, state], i) => ({ handle: i, lane, group, state })),
    groups: new Map(groups.map(([id, color, newRevision]) => [id, { color, newRevision }])),
    rollouts,
  };
}
const { RUNNING, PENDING } = POD_STATE;
const H = HEALTH.HEALTHY;

t.test('a steady deployment: a right board passes, a ghost, a wrong lane and a false rollout do not', async (t) => {
  const truth = truthFrom({ items: [node('a'), node('b'), deploy, rs('web-1', '1'), pod('p1', 'web-1', 'a'), pod('p2', 'web-1', 'b')] });
  const lanes: [number, string, number][] = [[1, 'a amd64', H], [2, 'b arm64', H]];
  t.same(compare(truth, board(lanes, [[1, 7, RUNNING], [2, 7, RUNNING]], [[7, 'ffff00', false]])), [], 'right');
  t.match(compare(truth, board(lanes, [[1, 7, RUNNING], [2, 7, RUNNING], [2, 7, RUNNING]], [[7, 'ffff00', false]])).join(), /pods by group differ/, 'a ghost');
  t.match(compare(truth, board(lanes, [[1, 7, RUNNING], [1, 7, RUNNING]], [[7, 'ffff00', false]])).join(), /pods by group differ/, 'a pod in the wrong lane');
  const rollout = compare(truth, board(lanes, [[1, 7, RUNNING], [2, 7, RUNNING]], [[7, 'ffffaa', true]], [{ group: 7, desired: 3 }])).join();
  t.match(rollout, /new-revision/, 'a tint without a template change');
  t.match(rollout, /rollout records: truth 0/, 'a rollout record without a template change');
});

t.test('mid-rollout: old and new revisions apart, the new one tinted, one record', async (t) => {
  const truth = truthFrom({ items: [node('a'), deploy, rs('web-1', '1'), rs('web-2', '2'), pod('p1', 'web-1', 'a'), pod('p2', 'web-2', 'a')] });
  t.same([...truth.rollouts.keys()], ['Deployment/default/web']);
  const lanes: [number, string, number][] = [[1, 'a amd64', H]];
  t.same(compare(truth, board(lanes, [[1, 1, RUNNING], [1, 2, RUNNING]], [[1, 'ffff00', false], [2, 'ffffaa', true]], [{ group: 2, desired: 3 }])), []);
  t.match(compare(truth, board(lanes, [[1, 1, RUNNING], [1, 1, RUNNING]], [[1, 'ffff00', false]])).join(), /pods by group differ.*rollout records: truth 1/);
});

t.test('nodes: an unscheduled pod in no node lane, cordoned and NotReady lanes not healthy, a deleted node with pods', async (t) => {
  const truth = truthFrom({ items: [node('a', { unschedulable: true }), node('b', { ready: false }), deploy, rs('web-1', '1'), pod('p1', 'web-1', undefined), pod('p2', 'web-1', 'b', false), pod('p3', 'web-1', 'gone')] });
  const pods: [number, number, number][] = [[3, 1, PENDING], [2, 1, POD_STATE.NOT_READY], [4, 1, RUNNING]];
  const right = board([[1, 'a amd64', HEALTH.DEGRADED], [2, 'b arm64', HEALTH.UNREACHABLE], [3, 'pending', H], [4, 'gone', HEALTH.UNREACHABLE]], pods, [[1, 'ffff00', false]]);
  t.same(compare(truth, right), []);
  const wrong = compare(truth, board([[1, 'a amd64', H], [2, 'b arm64', H], [4, 'gone', H]], [[1, 1, PENDING], [2, 1, POD_STATE.NOT_READY], [4, 1, RUNNING]], [[1, 'ffff00', false]])).join('\n');
  t.match(wrong, /pods by group differ/, 'the unscheduled pod borrowed a node lane');
  t.match(wrong, /node a is cordoned but its lane looks like any healthy node's/);
  t.match(wrong, /node b is NotReady but its lane is healthy/);
  t.match(wrong, /node gone is deleted with 1 pod\(s\) still bound to it, but its lane is healthy/);
});
