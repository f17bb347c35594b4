// What the demo server sends the page (Server-Sent Events, one JSON object per event) and what
// the page posts back. Plain types only: the server (bridge/demo) and the page share this file.

/** `init`: sent once per connection, before everything else. */
export interface InitMessage {
  title: string;
  speed: number;
  kubeconfig: string;
  brokerUrl: string;
  clusters: ClusterInfo[];
  scenarios: ScenarioInfo[];
  /** The exact colors the strips show (rrggbb), so the legend's swatches are the LEDs' own. */
  legend: Record<'v1' | 'v2' | 'v2tint' | 'red' | 'darkred' | 'magenta' | 'amber' | 'blue' | 'white', string>;
}

export interface ClusterInfo {
  name: string;
  url: string;
  nodes: NodeInfo[];
}

export interface NodeInfo {
  name: string;
  arch: string;
  ready: boolean;
}

export interface ScenarioInfo {
  name: string;
  title: string;
  description: string;
  kubectl: string[];
  clusters: string[];
}

export type BoardKind = 'failover' | 'cluster' | 'node' | 'external';

/** One lane as the board knows it (from the LANE and CLUSTER messages it received). */
export interface LaneInfo {
  id: number;
  first: number;
  count: number;
  label: string;
  /** 0 healthy, 1 degraded, 2 unreachable (protocol HEALTH). */
  health: number;
  /** Where the traffic goes: the Service's target (blue-green) or the active cluster (GSLB). */
  traffic?: boolean;
}

/** `boards`: every board's metadata, sent whenever any of it changes. */
export interface BoardInfo {
  id: string;
  kind: BoardKind;
  title: string;
  /** What the board shows, in a few words ("pods by workload"). */
  caption: string;
  clusters: string[];
  node?: string;
  arch?: string;
  ledCount: number;
  brightness: number;
  online: boolean;
  /** False for a real board: the page has no pixels for it. */
  virtual: boolean;
  lanes: LaneInfo[];
}

/** `pixels`: RGB bytes (3 per LED) of the boards that changed, base64, by board id. */
export type PixelsMessage = Record<string, string>;

export type LogTone = 'add' | 'del' | 'warn' | 'info' | 'scenario';

/** `log`: one line of the live log (Kubernetes events, scenario progress). */
export interface LogLine {
  /** Wall-clock ms. */
  t: number;
  cluster: string;
  tone: LogTone;
  text: string;
}

/** `workloads`: the labelled Deployments the page can scale. */
export interface WorkloadInfo {
  cluster: string;
  namespace: string;
  name: string;
  /** rrggbb from the pod template's color label. */
  color: string;
  version: string;
  replicas: number;
  ready: number;
}

/** `scenario`: what is playing. */
export interface ScenarioState {
  running: string | null;
  /** The last one that ended: how. */
  last: { name: string; outcome: 'done' | 'cancelled' | 'failed'; error?: string } | null;
  /** Dead air in the story (a DNS TTL): what is awaited and when it ends (wall-clock ms). */
  countdown?: { label: string; endsAt: number } | null;
}

/** POST /api/scenario */
export interface RunScenarioRequest {
  name: string;
}

/** POST /api/scale */
export interface ScaleRequest {
  cluster: string;
  namespace: string;
  name: string;
  replicas: number;
}
