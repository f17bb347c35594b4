// Seed 003: an app that crashes. A bad release crash-loops (restart counts climb, back-off
// grows, CrashLoopBackOff), the rollout stalls with v1 still serving, then a rollback heals it.
import { R } from '../resources.ts';
import { ANNOTATIONS } from '../timing.ts';
import { COLORS, DEMO_NS, IMAGES, apply, demoDeployment, patchTemplate, sleep, waitFor, waitRolledOut } from './helpers.ts';
import type { Scenario } from './types.ts';

export const crashLoopScenario: Scenario = {
  name: 'crash-loop',
  title: 'Crash loop and recovery',
  description: 'A blue v2 pod starts, dies and restarts with growing pauses (blinking red: CrashLoopBackOff) while the yellow v1 pods keep serving; the rollback brings back all-yellow.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/crashloop-v1.yaml',
    'kubectl apply -f deploy/demo/crashloop-broken.yaml   # its container exits after 3 s',
    'kubectl -n podlights-demo get pods -w   # RESTARTS climbs, STATUS CrashLoopBackOff',
    'kubectl -n podlights-demo rollout undo deployment/crashloop-demo',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    apply(eu, R.deployments, demoDeployment({ name: 'crashloop-demo', replicas: 3, version: 'v1', color: COLORS.v1 }));
    await waitRolledOut(ctx, eu, 'crashloop-demo');
    await sleep(ctx, 2000);
    ctx.log('releasing a broken v2 (exits after 3 s)');
    patchTemplate(eu, 'crashloop-demo', {
      metadata: { labels: { version: 'v2-broken', blinktColor: COLORS.v2 }, annotations: { [ANNOTATIONS.exitAfter]: '3s', [ANNOTATIONS.exitCode]: '1' } },
      spec: { containers: [{ name: 'app', image: IMAGES.broken, command: ['sh', '-c', 'sleep 3; exit 1'] }] },
    });
    await waitFor(ctx, {
      clusters: [eu],
      what: 'a crash-looping pod with 2 restarts',
      check: () => eu.store.list(R.pods, DEMO_NS).some((p) => p.metadata.labels?.app === 'crashloop-demo' && (p.status?.containerStatuses ?? []).some((c: any) => c.restartCount >= 2)),
    });
    await sleep(ctx, 3000);
    ctx.log('rolling back to v1');
    patchTemplate(eu, 'crashloop-demo', {
      metadata: { labels: { version: 'v1', blinktColor: COLORS.v1 }, annotations: { [ANNOTATIONS.exitAfter]: null, [ANNOTATIONS.exitCode]: null } },
      spec: { containers: [{ name: 'app', image: IMAGES.v1, command: null }] },
    });
    await waitRolledOut(ctx, eu, 'crashloop-demo');
  },
};
