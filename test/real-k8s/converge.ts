// One scenario step of the real-k8s suite: wait until the cluster has settled into what the step
// does (the API server's own view), then until every board equals it (truth.ts). Deadlines are
// generous and no duration is asserted: a loaded 2-core machine is slow, not wrong. Each
// scenario's verdict is also appended to $PODLIGHTS_REAL_K8S_RESULTS for tools/real-k8s/suite.ts.
import { appendFileSync } from 'node:fs';
import type { Test } from 'tap';
import type { RealCluster } from './cluster.ts';
import type { Rig } from './rig.ts';
import { compare, STATE_NAME, TRUTH_RESOURCES, truthFrom } from './truth.ts';
import type { Truth } from './truth.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function readTruth(cluster: RealCluster): Promise<Truth> {
  return truthFrom(JSON.parse(await cluster.kubectl('get', TRUTH_RESOURCES, '-A', '-o', 'json')));
}

export function record(name: string, ok: boolean, reason = ''): void {
  const file = process.env.PODLIGHTS_REAL_K8S_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify({ name, ok, reason })}\n`);
}

export interface StepOptions {
  /** The cluster has done what the step asked (checked on the truth before the boards are). */
  settled?: (truth: Truth) => boolean;
  /** Describes `settled` for a timeout message. */
  settledWhat?: string;
  /** No pod left the cluster in this step: a POD_DEL on the wire is a ghost departure. */
  noDeletes?: boolean;
  /** No template changed in this step: no ROLLOUT record, no new-revision tint, at any moment. */
  noRollout?: boolean;
  /**
   * The settled state does not last (pods the garbage collector will remove): the boards must
   * show it while it holds; the cluster moving on first is a failure, not a later convergence.
   */
  fleeting?: boolean;
  deadlineMs?: number;
  /** More conditions (each a problem sentence), checked with the boards. */
  also?: (truth: Truth) => string[] | Promise<string[]>;
}

export function summary(truth: Truth): string {
  const by = new Map<string, number>();
  for (const p of truth.pods) {
    const k = `${p.node ?? '(no node)'}:${STATE_NAME[p.state]}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return `${truth.pods.length} pods [${[...by].map(([k, n]) => `${k}x${n}`).sort().join(' ')}]`;
}

/**
 * Runs `action` (kubectl), then waits for the truth to settle and every board to equal it.
 * Records the scenario; a failure is a tap failure with the last differences and the boards.
 */
export async function step(t: Test, cluster: RealCluster, rig: Rig, name: string, action: () => Promise<unknown>, opts: StepOptions = {}): Promise<boolean> {
  for (const b of rig.boards) b.resetEvents();
  const deadline = Date.now() + (opts.deadlineMs ?? 150_000);
  let problems: string[] = [];
  let truth: Truth | undefined;
  try {
    await action();
    let wasSettled = false;
    for (;;) {
      truth = await readTruth(cluster);
      problems = [];
      if (opts.settled && !opts.settled(truth)) {
        if (opts.fleeting && wasSettled) {
          problems.push(`the cluster moved on (now ${summary(truth)}) before the boards showed: ${opts.settledWhat ?? 'the step'}`);
          break;
        }
        problems.push(`the cluster has not settled: ${opts.settledWhat ?? 'the step'} (now ${summary(truth)})`);
      } else {
        wasSettled = true;
        for (const b of rig.boards) {
          const d = b.disagreement();
          if (d) problems.push(`${b.id}: ${d}`);
          for (const p of compare(truth, b.read())) problems.push(`${b.id}: ${p}`);
        }
        if (opts.also) problems.push(...(await opts.also(truth)));
      }
      if (problems.length === 0 || Date.now() > deadline) break;
      await sleep(400);
    }
  } catch (err) {
    problems.push(`error: ${(err as Error).message}`);
  }
  for (const b of rig.boards) {
    if (opts.noDeletes && b.events.podDeletes > 0) problems.push(`${b.id}: ${b.events.podDeletes} POD_DEL sent though no pod left the cluster (a pod flashed "deleted")`);
    if (opts.noRollout && (b.events.rolloutMessages > 0 || b.events.newRevisionGroups > 0)) problems.push(`${b.id}: shown as a rollout though no template changed (${b.events.rolloutMessages} ROLLOUT, ${b.events.newRevisionGroups} new-revision GROUP messages)`);
  }
  const ok = problems.length === 0;
  const where = truth ? summary(truth) : 'no truth read';
  if (ok) t.pass(`${name}: every board equals the API server (${where})`);
  else t.fail(`${name}: boards differ from the API server`, { diagnostic: true, problems, truth: where, boards: rig.boards.map((b) => `${b.id} ${b.ascii()}`) });
  record(name, ok, ok ? '' : problems.join(' | ').slice(0, 500));
  return ok;
}
