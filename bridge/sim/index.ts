// bridge/sim: an embedded Kubernetes API simulator. See README.md.
export { SimApi, type DeleteOptions, type ListOptions, type ListResult, type PatchType } from './api.ts';
export { ManualClock, ScaledClock, type Clock, type Timer } from './clock.ts';
export { SimCluster, type SimClusterOptions } from './cluster.ts';
export { StatusError, errors, isStatusError } from './errors.ts';
export { Faults, type FailRule } from './faults.ts';
export { SimFleet, type FleetOptions } from './fleet.ts';
export { kubeconfig, kubeconfigText, writeKubeconfig } from './kubeconfig.ts';
export { defaultNodes, type NodeSpec } from './nodes.ts';
export { R, RESOURCES, type ResourceType } from './resources.ts';
export { SCENARIOS, findScenario, runScenario, type Scenario, type ScenarioContext } from './scenarios/index.ts';
export { Store } from './store.ts';
export { ANNOTATIONS, DEFAULT_TIMING, type Timing } from './timing.ts';
export type { KubeObject } from './types.ts';
