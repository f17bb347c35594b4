// A realistic event trace for the wire benchmark, as a Kubernetes deployment would produce it:
// scale 0 -> 12, a rolling update of 12 pods (maxSurge 25% = 3, maxUnavailable 25% = 3), a crash
// loop, scale to 0. Each step is what happens at one instant; a step's events share one frame.

export type PodState = 'pending' | 'creating' | 'running' | 'not-ready' | 'terminating' | 'crash-loop';

export type TraceEvent =
  | { kind: 'add'; pod: string; color: string; state: PodState }
  | { kind: 'state'; pod: string; color: string; state: PodState }
  | { kind: 'del'; pod: string; color: string }
  | { kind: 'group'; color: string; newRevision: boolean }
  | { kind: 'rollout'; desired: number; updated: number; ready: number; available: number };

export interface TraceStep {
  atMs: number;
  events: TraceEvent[];
}

const suffix = (i: number, salt: number): string => ((i * 7919 + salt * 104729) % 60466176).toString(36).padStart(5, 'x').slice(-5);

export function wireTrace(): TraceStep[] {
  const steps: TraceStep[] = [];
  let t = 0;
  const at = (events: TraceEvent[], dt = 500): void => {
    t += dt;
    if (events.length > 0) steps.push({ atMs: t, events });
  };
  const oldColor = 'ffff00';
  const newColor = '00a0ff';
  const oldName = (i: number) => `demo-app-7d9f8b6c5d-${suffix(i, 1)}`;
  const newName = (i: number) => `demo-app-5f6c9d7b48-${suffix(i, 2)}`;

  // Scale 0 -> 12: the ReplicaSet creates all pods at once; they start over a few seconds.
  at([{ kind: 'group', color: oldColor, newRevision: false }], 0);
  at(Array.from({ length: 12 }, (_, i) => ({ kind: 'add' as const, pod: oldName(i), color: oldColor, state: 'pending' as const })));
  at(Array.from({ length: 12 }, (_, i) => ({ kind: 'state' as const, pod: oldName(i), color: oldColor, state: 'creating' as const })));
  for (let i = 0; i < 12; i += 3) {
    at([0, 1, 2].map((k) => ({ kind: 'state' as const, pod: oldName(i + k), color: oldColor, state: 'running' as const })), 800);
  }
  at([{ kind: 'rollout', desired: 12, updated: 12, ready: 12, available: 12 }]);

  // Rolling update: at most 15 pods, at least 9 available; batches of 3 new up, 3 old down.
  at([{ kind: 'group', color: newColor, newRevision: true }], 2000);
  let updated = 0;
  for (let batch = 0; batch < 4; batch++) {
    const ids = [0, 1, 2].map((k) => batch * 3 + k);
    at([
      ...ids.map((i) => ({ kind: 'add' as const, pod: newName(i), color: newColor, state: 'pending' as const })),
      ...ids.map((i) => ({ kind: 'state' as const, pod: oldName(i), color: oldColor, state: 'terminating' as const })),
    ]);
    at(ids.map((i) => ({ kind: 'state' as const, pod: newName(i), color: newColor, state: 'creating' as const })));
    updated += 3;
    at([
      ...ids.map((i) => ({ kind: 'state' as const, pod: newName(i), color: newColor, state: 'running' as const })),
      { kind: 'rollout', desired: 12, updated, ready: 12 - 3 + 3, available: 12 },
    ], 1500);
    at(ids.map((i) => ({ kind: 'del' as const, pod: oldName(i), color: oldColor })), 1000);
  }

  // A crash loop: one pod crashes, restarts with back-off, five times, then recovers.
  const victim = newName(5);
  for (let k = 0; k < 5; k++) {
    at([{ kind: 'state', pod: victim, color: newColor, state: 'crash-loop' }], 2000 * (k + 1));
    at([{ kind: 'state', pod: victim, color: newColor, state: 'not-ready' }], 1000);
  }
  at([{ kind: 'state', pod: victim, color: newColor, state: 'running' }], 3000);

  // Scale to 0.
  at(Array.from({ length: 12 }, (_, i) => ({ kind: 'state' as const, pod: newName(i), color: newColor, state: 'terminating' as const })), 5000);
  at([{ kind: 'rollout', desired: 0, updated: 0, ready: 0, available: 0 }]);
  at(Array.from({ length: 12 }, (_, i) => ({ kind: 'del' as const, pod: newName(i), color: newColor })), 2000);
  return steps;
}
