// The seed's upgrade stories (bee42 "Shine a Light"): scale, recreate, rolling, blue-green and
// canary. v1 is yellow (ffff00) as in the seed's GIFs; v2 is sky blue (00b4ff), not the seed's
// violet, which on LEDs is taken for the "more pods than LEDs" magenta.
import { R } from '../resources.ts';
import { COLORS, DEMO_NS, IMAGES, apply, deleteIfExists, demoDeployment, patchTemplate, scale, sleep, waitRolledOut } from './helpers.ts';
import type { Scenario } from './types.ts';

const v2Template = { metadata: { labels: { version: 'v2', blinktColor: COLORS.v2 } }, spec: { containers: [{ name: 'app', image: IMAGES.v2 }] } };

export const scaleScenario: Scenario = {
  name: 'scale',
  title: 'Scale 1 -> 8 -> 2',
  description: 'One yellow pod becomes eight (new LEDs breathe while Pending, then light up), then six fade out.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/scale.yaml',
    'kubectl -n podlights-demo scale deployment/scale-demo --replicas=8',
    'kubectl -n podlights-demo scale deployment/scale-demo --replicas=2',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    apply(eu, R.deployments, demoDeployment({ name: 'scale-demo', replicas: 1, version: 'v1', color: COLORS.v1 }));
    await waitRolledOut(ctx, eu, 'scale-demo');
    await sleep(ctx, 2000);
    ctx.log('scaling scale-demo to 8');
    scale(eu, 'scale-demo', 8);
    await waitRolledOut(ctx, eu, 'scale-demo');
    await sleep(ctx, 3000);
    ctx.log('scaling scale-demo to 2');
    scale(eu, 'scale-demo', 2);
    await waitRolledOut(ctx, eu, 'scale-demo');
  },
};

export const recreateScenario: Scenario = {
  name: 'recreate',
  title: 'Recreate upgrade v1 -> v2',
  description: 'All four yellow pods go dark together; only then do four blue v2 pods start.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/recreate-v1.yaml',
    'kubectl apply -f deploy/demo/recreate-v2.yaml',
    'kubectl -n podlights-demo rollout status deployment/recreate-demo',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    apply(eu, R.deployments, demoDeployment({ name: 'recreate-demo', replicas: 4, version: 'v1', color: COLORS.v1, strategy: 'Recreate' }));
    await waitRolledOut(ctx, eu, 'recreate-demo');
    await sleep(ctx, 2000);
    ctx.log('upgrading recreate-demo to v2 (Recreate)');
    patchTemplate(eu, 'recreate-demo', v2Template);
    await waitRolledOut(ctx, eu, 'recreate-demo');
  },
};

export const rollingScenario: Scenario = {
  name: 'rolling',
  title: 'Rolling upgrade v1 -> v2',
  description: 'Three blue v2 pods start at once (maxSurge 2 + maxUnavailable 1 of 6 replicas), then more as yellow v1 pods fade; never fewer than 5 of 6 available.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/rolling-v1.yaml',
    'kubectl apply -f deploy/demo/rolling-v2.yaml',
    'kubectl -n podlights-demo rollout status deployment/rolling-demo',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    apply(eu, R.deployments, demoDeployment({ name: 'rolling-demo', replicas: 6, version: 'v1', color: COLORS.v1 }));
    await waitRolledOut(ctx, eu, 'rolling-demo');
    await sleep(ctx, 2000);
    ctx.log('upgrading rolling-demo to v2 (RollingUpdate 25%/25%)');
    patchTemplate(eu, 'rolling-demo', v2Template);
    await waitRolledOut(ctx, eu, 'rolling-demo');
  },
};

const service = (version: string) => ({
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 'bluegreen', namespace: DEMO_NS, labels: { app: 'bluegreen' } },
  spec: { selector: { app: 'bluegreen', version }, ports: [{ port: 80, targetPort: 80 }] },
});

export const blueGreenScenario: Scenario = {
  name: 'blue-green',
  title: 'Blue-green switch',
  description: 'Four green pods start dim beside four blue ones (the Service passes them over); the selector flips: green lights up, blue dims, then goes dark.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/bluegreen-blue.yaml -f deploy/demo/bluegreen-service.yaml',
    'kubectl apply -f deploy/demo/bluegreen-green.yaml && kubectl -n podlights-demo rollout status deployment/bluegreen-green',
    'kubectl -n podlights-demo patch service bluegreen -p \'{"spec":{"selector":{"version":"green"}}}\'',
    'kubectl -n podlights-demo delete deployment bluegreen-blue',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    deleteIfExists(eu, R.deployments, DEMO_NS, 'bluegreen-green');
    apply(eu, R.deployments, demoDeployment({ name: 'bluegreen-blue', app: 'bluegreen', track: 'blue', replicas: 4, version: 'blue', color: COLORS.blue }));
    apply(eu, R.services, service('blue'));
    await waitRolledOut(ctx, eu, 'bluegreen-blue');
    await sleep(ctx, 2000);
    ctx.log('starting green beside blue');
    apply(eu, R.deployments, demoDeployment({ name: 'bluegreen-green', app: 'bluegreen', track: 'green', replicas: 4, version: 'green', color: COLORS.green }));
    await waitRolledOut(ctx, eu, 'bluegreen-green');
    await sleep(ctx, 2000);
    ctx.log('switching the Service selector to green');
    eu.api.patch(R.services, DEMO_NS, 'bluegreen', 'merge', { spec: { selector: { version: 'green' } } });
    await sleep(ctx, 3000);
    ctx.log('removing blue');
    deleteIfExists(eu, R.deployments, DEMO_NS, 'bluegreen-blue');
  },
};

export const canaryScenario: Scenario = {
  name: 'canary',
  title: 'Canary, then promote',
  description: 'One blue v2 pod joins four yellow v1 pods behind one Service; after a while all become blue and the canary leaves.',
  kubectl: [
    'kubectl apply -f deploy/demo/namespace.yaml -f deploy/demo/canary-stable-v1.yaml -f deploy/demo/canary-service.yaml',
    'kubectl apply -f deploy/demo/canary-next.yaml && kubectl -n podlights-demo rollout status deployment/canary-next',
    'kubectl apply -f deploy/demo/canary-stable-v2.yaml && kubectl -n podlights-demo rollout status deployment/canary-stable',
    'kubectl -n podlights-demo delete deployment canary-next',
  ],
  clusters: ['eu'],
  async run(ctx) {
    const eu = ctx.cluster('eu');
    deleteIfExists(eu, R.deployments, DEMO_NS, 'canary-next');
    apply(eu, R.deployments, demoDeployment({ name: 'canary-stable', app: 'canary', track: 'stable', replicas: 4, version: 'v1', color: COLORS.v1 }));
    apply(eu, R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'canary', namespace: DEMO_NS }, spec: { selector: { app: 'canary' }, ports: [{ port: 80, targetPort: 80 }] } });
    await waitRolledOut(ctx, eu, 'canary-stable');
    await sleep(ctx, 2000);
    ctx.log('adding one v2 canary');
    apply(eu, R.deployments, demoDeployment({ name: 'canary-next', app: 'canary', track: 'canary', replicas: 1, version: 'v2', color: COLORS.v2 }));
    await waitRolledOut(ctx, eu, 'canary-next');
    await sleep(ctx, 5000);
    ctx.log('promoting v2: rolling canary-stable to v2');
    patchTemplate(eu, 'canary-stable', v2Template);
    await waitRolledOut(ctx, eu, 'canary-stable');
    deleteIfExists(eu, R.deployments, DEMO_NS, 'canary-next');
  },
};
