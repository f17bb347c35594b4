// The bridge as a user runs it against a real API server: `startBridge` with a kubeconfig, the
// embedded MQTT broker with board passwords, the operations server, and virtual boards (the real
// firmware core, test/bridge/harness.ts) over MQTT. Beside each firmware board, a reference board
// decodes the same frames, for what the firmware keeps no copy of (lane labels, group flags,
// rollout records) and for what happened between two looks (POD_DEL, ROLLOUT, new-revision tint).
// The firmware must hold as many pods as the frames describe.
import { decode, GROUP_FLAG, MSG } from '../../protocol/index.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import type { RunningBridge } from '../../bridge/app.ts';
import { mqttBoard } from '../bridge/harness.ts';
import { ReferenceBoard } from '../link/reference-board.ts';
import type { BoardReading } from './truth.ts';

export interface StepEvents {
  podDeletes: number;
  /** ROLLOUT messages with a workload in them, and GROUPs flagged as a new revision. */
  rolloutMessages: number;
  newRevisionGroups: number;
}

export interface RigBoard {
  id: string;
  read(): BoardReading;
  /** The firmware's model and the decoded frames disagree (a protocol or firmware bug). */
  disagreement(): string | undefined;
  events: StepEvents;
  resetEvents(): void;
  ascii(): string;
  stop(): Promise<void>;
}

const hex = (n: number) => n.toString(16).padStart(6, '0');

async function rigBoard(url: string, id: string, password: string, ledCount: number): Promise<RigBoard> {
  const reference = new ReferenceBoard(() => {});
  const events: StepEvents = { podDeletes: 0, rolloutMessages: 0, newRevisionGroups: 0 };
  const board = await mqttBoard({
    url,
    boardId: id,
    password,
    ledCount,
    onFrame: (frame, source) => {
      if (source === 'snapshot' && reference.state !== undefined) return; // as the firmware: a synced board ignores it
      reference.receive(frame);
      const f = decode(frame);
      if (!f.ok) return;
      for (const m of f.messages) {
        if (m.type === MSG.POD_DEL) events.podDeletes++;
        if (m.type === MSG.ROLLOUT && m.desired > 0) events.rolloutMessages++;
        if (m.type === MSG.GROUP && (m.flags & GROUP_FLAG.NEW_REVISION) !== 0) events.newRevisionGroups++;
      }
    },
  });
  // What the bridge meant is read from the decoded frames; the firmware is held to agreeing.
  const firmware = () => board.board.core.model;
  const rig: RigBoard = {
    id,
    events,
    resetEvents: () => Object.assign(events, { podDeletes: 0, rolloutMessages: 0, newRevisionGroups: 0 }),
    ascii: () => board.board.ascii(),
    read(): BoardReading {
      const s = reference.state;
      const lanes = new Map<number, { label: string; health: number }>();
      for (const [lid, lane] of Object.entries(s?.lanes ?? {})) lanes.set(Number(lid), { label: lane.label, health: s?.clusters[Number(lid)] ?? 0 });
      const pods = Object.entries(s?.pods ?? {}).map(([h, p]) => ({ handle: Number(h), lane: p.lane, group: p.group, state: p.state }));
      const groups = new Map<number, { color: string; newRevision: boolean; idle: boolean }>();
      for (const [gid, g] of Object.entries(s?.groups ?? {})) groups.set(Number(gid), { color: hex((g.r << 16) | (g.g << 8) | g.b), newRevision: (g.flags & GROUP_FLAG.NEW_REVISION) !== 0, idle: (g.flags & GROUP_FLAG.IDLE) !== 0 });
      const rollouts = Object.values(s?.rollouts ?? {}).map((r) => ({ group: r.group, desired: r.desired }));
      return { lanes, pods, groups, rollouts };
    },
    disagreement(): string | undefined {
      const s = reference.state;
      if (!s) return 'no snapshot yet';
      if (!board.board.core.synced) return 'the firmware is not synced';
      // Only podCount(): the firmware's record layout is its own (and changes); a deleted pod
      // counts there until its red flash is over, so this agrees once the board is quiet.
      const handles = Object.keys(s.pods).length;
      const count = firmware().podCount();
      return count === handles ? undefined : `the firmware holds ${count} pods, the frames ${handles}`;
    },
    stop: () => board.stop(),
  };
  return rig;
}

export interface Rig {
  running: RunningBridge;
  boards: RigBoard[];
  logs: string[];
  readyz(): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

/** The bridge on `kubeconfig` with a node-lane board (and any more board ids given). */
export async function startRig(kubeconfig: string, boardIds: string[] = ['nodes-1']): Promise<Rig> {
  const password = 'board-secret';
  const ledCount = 120;
  const config = loadConfig({
    env: {},
    overrides: {
      kubeconfig,
      broker: { port: 0, boardPassword: password },
      http: { port: 0 },
      flushMs: 20,
      boards: boardIds.map((id) => ({ id, ledCount, lanes: 'node' })),
    },
  });
  const logs: string[] = [];
  const running = await startBridge(config, (l) => logs.push(l));
  const boards: RigBoard[] = [];
  try {
    for (const id of boardIds) boards.push(await rigBoard(`mqtt://127.0.0.1:${running.broker!.port}`, id, password, ledCount));
  } catch (err) {
    await running.stop();
    throw err;
  }
  return {
    running,
    boards,
    logs,
    async readyz() {
      const res = await fetch(`http://127.0.0.1:${running.ops!.port}/readyz`);
      return { status: res.status, body: await res.text() };
    },
    async stop() {
      for (const b of boards) await b.stop();
      await running.stop();
    },
  };
}
