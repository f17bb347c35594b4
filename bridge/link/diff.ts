// DisplayState -> protocol messages: the whole state (for snapshots) and the difference between
// two states (for deltas). Order matters on the board: config and lanes first, groups before the
// pods that use them, deletions before additions so a reused handle is free when it is added.
import { MSG } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';
import type { DisplayState } from './display-state.ts';

// Integer-like keys come out of Object.keys in ascending order already (ECMAScript's own
// property order), so no sort is needed.
const keys = (o: Record<number, unknown>): number[] => Object.keys(o).map(Number);

function same(a: object | undefined, b: object | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

export function stateMessages(s: DisplayState): Message[] {
  const out: Message[] = [{ type: MSG.CONFIG, ...s.config }];
  for (const id of keys(s.lanes)) out.push({ type: MSG.LANE, lane: id, ...s.lanes[id] });
  for (const id of keys(s.groups)) out.push({ type: MSG.GROUP, group: id, ...s.groups[id] });
  for (const id of keys(s.pods)) out.push({ type: MSG.POD_ADD, pod: id, ...s.pods[id] });
  for (const id of keys(s.rollouts)) out.push({ type: MSG.ROLLOUT, rollout: id, ...s.rollouts[id] });
  for (const id of keys(s.clusters)) out.push({ type: MSG.CLUSTER, lane: id, health: s.clusters[id] });
  out.push({ type: MSG.HEARTBEAT, timeoutMs: s.heartbeatTimeoutMs });
  return out;
}

export function diffMessages(prev: DisplayState, next: DisplayState): Message[] {
  const out: Message[] = [];
  if (!same(prev.config, next.config)) out.push({ type: MSG.CONFIG, ...next.config });
  for (const id of keys(prev.lanes)) {
    if (!(id in next.lanes)) out.push({ type: MSG.LANE, lane: id, first: 0, count: 0, kind: prev.lanes[id].kind, label: '' });
  }
  for (const id of keys(next.lanes)) {
    if (!same(prev.lanes[id], next.lanes[id])) out.push({ type: MSG.LANE, lane: id, ...next.lanes[id] });
  }
  for (const id of keys(next.groups)) {
    if (!same(prev.groups[id], next.groups[id])) out.push({ type: MSG.GROUP, group: id, ...next.groups[id] });
  }
  for (const id of keys(prev.pods)) {
    const now = next.pods[id];
    // A handle that now names another pod is deleted and added again, so the board shows the
    // old pod leaving. Without pod keys a new lane or group is taken to mean another pod.
    const samePod = prev.podKeys !== undefined && next.podKeys !== undefined && prev.podKeys[id] === next.podKeys[id];
    if (now === undefined || (!samePod && (now.lane !== prev.pods[id].lane || now.group !== prev.pods[id].group))) {
      out.push({ type: MSG.POD_DEL, pod: id });
    }
  }
  for (const id of keys(next.pods)) {
    const was = prev.pods[id];
    const now = next.pods[id];
    if (was === undefined || was.lane !== now.lane || was.group !== now.group) out.push({ type: MSG.POD_ADD, pod: id, ...now });
    else if (was.state !== now.state) out.push({ type: MSG.POD_STATE, pod: id, state: now.state });
  }
  for (const id of keys(prev.rollouts)) {
    if (!(id in next.rollouts)) {
      const r = prev.rollouts[id];
      out.push({ type: MSG.ROLLOUT, rollout: id, lane: r.lane, group: r.group, desired: 0, updated: 0, ready: 0, available: 0 });
    }
  }
  for (const id of keys(next.rollouts)) {
    if (!same(prev.rollouts[id], next.rollouts[id])) out.push({ type: MSG.ROLLOUT, rollout: id, ...next.rollouts[id] });
  }
  for (const id of keys(next.clusters)) {
    if (prev.clusters[id] !== next.clusters[id]) out.push({ type: MSG.CLUSTER, lane: id, health: next.clusters[id] });
  }
  if (prev.heartbeatTimeoutMs !== next.heartbeatTimeoutMs) out.push({ type: MSG.HEARTBEAT, timeoutMs: next.heartbeatTimeoutMs });
  return out;
}
