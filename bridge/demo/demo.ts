// The demo in one object: simulated clusters (eu, us), the real bridge with its embedded MQTT
// broker, and virtual boards running the real firmware, connected over MQTT like real boards.
// It publishes what a viewer needs (board pixels and metadata, a live log, workloads, scenario
// state) as events; the web server and the terminal view only subscribe.
import { randomBytes } from 'node:crypto';
import { startBridge } from '../app.ts';
import type { RunningBridge } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import { levelOf } from '../log.ts';
import { SimFleet } from '../sim/fleet.ts';
import { R } from '../sim/resources.ts';
import { SCENARIOS } from '../sim/scenarios/index.ts';
import type { BoardInfo, InitMessage, LogLine, PixelsMessage, ScenarioState, WorkloadInfo } from '../web/messages.ts';
import { followEvents } from './events.ts';
import { markTraffic } from './traffic.ts';
import { legendColors } from './legend.ts';
import { confusableState, parseColor } from '../view/colors.ts';
import { ScenarioRunner } from './scenarios.ts';
import { VirtualStrip } from './strip.ts';
import { demoBoards } from './topology.ts';
import type { DemoBoard } from './topology.ts';
import { applyBaseline, listWorkloads, scaleWorkload } from './workloads.ts';
import { addLocalFlags } from '../local/flags.ts';
import type { LocalFlags } from '../local/flags.ts';
import type { LocalTransport } from '../local/transport.ts';

export interface DemoOptions {
  /** Simulated time runs this many times faster (default 1). */
  speed?: number;
  /** Where the kubeconfig for the simulated clusters goes. */
  kubeconfig: string;
  /** Embedded broker port (0: a free one). */
  brokerPort: number;
  /** Embedded broker address (0.0.0.0 lets boards on the LAN in). */
  brokerHost?: string;
  /** Password of every board (virtual and real); default: a random one for this run. */
  boardPassword?: string;
  /** USB serial ports with real boards. */
  serial?: string[];
  /** Lights the bridge drives itself (--wled, --blinkstick, --blinkt), drawn on the page too. */
  local?: LocalFlags;
  /** Start without the baseline workloads (tests that want an empty stage). */
  baseline?: boolean;
  /** Operations endpoint port (0: a free one; undefined: off). */
  opsPort?: number;
  /** The bridge's own log lines (they also reach the live log). */
  log?: (line: string) => void;
}

export type DemoEvent =
  | { type: 'boards'; data: BoardInfo[] }
  | { type: 'pixels'; data: PixelsMessage }
  | { type: 'log'; data: LogLine }
  | { type: 'workloads'; data: WorkloadInfo[] }
  | { type: 'scenario'; data: ScenarioState };

const PIXEL_MS = 50;
const META_MS = 250;
const LOG_KEEP = 200;

export class Demo {
  readonly fleet: SimFleet;
  readonly boardPassword: string;
  readonly boards: DemoBoard[];
  strips: VirtualStrip[] = [];
  bridge: RunningBridge | undefined;
  readonly scenarios: ScenarioRunner;
  private readonly listeners = new Set<(e: DemoEvent) => void>();
  private readonly recent: LogLine[] = [];
  private readonly sent = new Map<string, string>();
  private lastBoards = '';
  private lastWorkloads = '';
  /** Real boards already announced in the live log. */
  private readonly joined = new Set<string>();
  /** Workload colors already reported as confusable with a state color. */
  private readonly colorWarned = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private unfollow: (() => void) | undefined;

  constructor(private readonly options: DemoOptions) {
    this.fleet = new SimFleet({ speed: options.speed ?? 1 });
    this.boardPassword = options.boardPassword ?? randomBytes(9).toString('base64url');
    this.boards = demoBoards(this.fleet.clusters);
    this.scenarios = new ScenarioRunner({
      clusters: this.fleet.clusters,
      onState: (data) => this.emit({ type: 'scenario', data }),
      log: (cluster, text) => this.logLine({ t: Date.now(), cluster, tone: 'scenario', text }),
    });
  }

  get brokerUrl(): string {
    return this.bridge?.broker?.url ?? '';
  }

  /** Starts everything; on failure stops what had started and rethrows. */
  async start(): Promise<void> {
    try {
      await this.fleet.start();
      this.fleet.writeKubeconfig(this.options.kubeconfig);
      this.unfollow = followEvents(this.fleet.clusters, (line) => this.logLine(line));
      if (this.options.baseline !== false) applyBaseline(this.fleet.clusters);
      const config = loadConfig({
        env: {},
        overrides: {
          kubeconfig: this.options.kubeconfig,
          contexts: this.fleet.clusters.map((c) => c.name),
          broker: { host: this.options.brokerHost ?? '127.0.0.1', port: this.options.brokerPort, boardPassword: this.boardPassword },
          serial: (this.options.serial ?? []).map((path) => ({ path })),
          boards: this.boards.map((b) => b.settings),
          http: this.options.opsPort === undefined ? { enabled: false } : { port: this.options.opsPort },
          flushMs: 20,
        },
      });
      addLocalFlags(config, this.options.local ?? {});
      this.bridge = await startBridge(config, (line) => this.bridgeLog(line));
      const brokerUrl = this.bridge.broker!.url;
      this.strips = this.boards.map((b) => new VirtualStrip({ boardId: b.id, ledCount: b.settings.ledCount!, brokerUrl, password: this.boardPassword }));
      await Promise.all(this.strips.map((s) => s.start()));
      this.timers.push(setInterval(() => this.samplePixels(), PIXEL_MS), setInterval(() => this.sampleMeta(), META_MS));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.scenarios.cancel();
    this.unfollow?.();
    this.unfollow = undefined;
    await Promise.all(this.strips.map((s) => s.stop().catch(() => {})));
    this.strips = [];
    await this.bridge?.stop();
    this.bridge = undefined;
    await this.fleet.stop();
    this.listeners.clear();
  }

  on(fn: (e: DemoEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  init(): InitMessage {
    return {
      title: 'podlights',
      speed: this.fleet.clock.speed,
      kubeconfig: this.options.kubeconfig,
      brokerUrl: this.brokerUrl,
      clusters: this.fleet.clusters.map((c) => ({
        name: c.name,
        url: c.url,
        nodes: c.store.list(R.nodes).map((n) => ({
          name: String(n.metadata.name),
          arch: n.metadata.labels?.['kubernetes.io/arch'] ?? '?',
          ready: (n.status?.conditions ?? []).some((x: any) => x.type === 'Ready' && x.status === 'True'),
        })),
      })),
      scenarios: SCENARIOS.map((s) => ({ name: s.name, title: s.title, description: s.description, kubectl: s.kubectl, clusters: s.clusters })),
      legend: legendColors(),
    };
  }

  /** Everything a new viewer needs to catch up, as the events it would have seen. */
  snapshot(): DemoEvent[] {
    return [
      { type: 'boards', data: this.boardsInfo() },
      { type: 'pixels', data: Object.fromEntries(this.pixelSources().map((s) => [s.id, Buffer.from(s.pixels).toString('base64')])) },
      { type: 'workloads', data: this.workloads() },
      { type: 'scenario', data: this.scenarios.state },
      ...this.recent.map((data) => ({ type: 'log' as const, data })),
    ];
  }

  boardsInfo(): BoardInfo[] {
    const virtual: BoardInfo[] = this.boards.map((b, i) => {
      const strip = this.strips[i];
      return {
        id: b.id,
        kind: b.kind,
        title: b.title,
        caption: b.caption,
        clusters: b.clusters,
        node: b.node,
        arch: b.arch,
        ledCount: b.settings.ledCount!,
        brightness: strip?.brightness ?? b.settings.brightness,
        online: strip?.online ?? false,
        virtual: true,
        lanes: markTraffic(this.fleet.clusters, b, strip?.lanes() ?? []),
      };
    });
    const ids = new Set(this.boards.map((b) => b.id));
    const real: BoardInfo[] = (this.bridge?.bridge.link.boards() ?? [])
      .filter((b) => !ids.has(b.boardId))
      .map((b) => ({
        id: b.boardId,
        kind: 'external',
        title: b.boardId,
        caption: `${b.profile || 'board'} via ${b.transport}${b.firmware ? `, ${b.firmware}` : ''}`,
        clusters: this.fleet.clusters.map((c) => c.name),
        ledCount: b.ledCount,
        brightness: 0,
        online: b.online,
        // A local board's pixels are in this process: the page draws them like a virtual strip.
        virtual: b.transport === 'local',
        lanes: [],
      }));
    return [...virtual, ...real];
  }

  workloads(): WorkloadInfo[] {
    return listWorkloads(this.fleet.clusters);
  }

  scale(req: { cluster: string; namespace: string; name: string; replicas: number }): void {
    scaleWorkload(this.fleet.clusters, req);
    this.logLine({ t: Date.now(), cluster: req.cluster, tone: 'scenario', text: `kubectl -n ${req.namespace} scale deployment/${req.name} --replicas=${req.replicas}` });
  }

  private emit(e: DemoEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // A viewer's failure is its own business.
      }
    }
  }

  private logLine(line: LogLine): void {
    this.recent.push(line);
    if (this.recent.length > LOG_KEEP) this.recent.splice(0, this.recent.length - LOG_KEEP);
    this.emit({ type: 'log', data: line });
  }

  private bridgeLog(line: string): void {
    this.options.log?.(line);
    // A real board joining, and anything that went wrong, belong in the live log too.
    const hello = /^link: (\S+) says hello/.exec(line);
    if (hello && !this.boards.some((b) => b.id === hello[1]) && !this.joined.has(hello[1])) {
      this.joined.add(hello[1]);
      this.logLine({ t: Date.now(), cluster: 'bridge', tone: 'add', text: line.replace(/^link: /, 'board ') });
    } else if (levelOf(line) === 'warn') this.logLine({ t: Date.now(), cluster: 'bridge', tone: 'warn', text: line });
  }

  /** Boards whose pixels are in this process: the virtual strips and the bridge's local boards. */
  private pixelSources(): { id: string; pixels: Uint8Array }[] {
    const local = this.bridge?.transports.find((t) => t.name === 'local') as LocalTransport | undefined;
    return [...this.strips, ...(local?.list() ?? [])];
  }

  /** Says once per workload and color when a label color would be read as a state on the strips. */
  private warnColors(workloads: WorkloadInfo[]): void {
    for (const wl of workloads) {
      const key = `${wl.cluster}/${wl.namespace}/${wl.name}=${wl.color}`;
      const c = parseColor(wl.color);
      const state = c && confusableState(c);
      if (!state || this.colorWarned.has(key)) continue;
      this.colorWarned.add(key);
      const line = `workload ${wl.namespace}/${wl.name} is labelled color ${wl.color}, which on a strip looks like ${state.name} (${state.meaning}): choose another color`;
      this.options.log?.(`demo: ${line}`);
      this.logLine({ t: Date.now(), cluster: wl.cluster, tone: 'warn', text: line });
    }
  }

  private samplePixels(): void {
    const changed: PixelsMessage = {};
    let any = false;
    for (const s of this.pixelSources()) {
      const b64 = Buffer.from(s.pixels).toString('base64');
      if (this.sent.get(s.id) === b64) continue;
      this.sent.set(s.id, b64);
      changed[s.id] = b64;
      any = true;
    }
    if (any) this.emit({ type: 'pixels', data: changed });
  }

  private sampleMeta(): void {
    const boards = this.boardsInfo();
    const b = JSON.stringify(boards);
    if (b !== this.lastBoards) {
      this.lastBoards = b;
      this.emit({ type: 'boards', data: boards });
    }
    const workloads = this.workloads();
    const w = JSON.stringify(workloads);
    if (w !== this.lastWorkloads) {
      this.lastWorkloads = w;
      this.warnColors(workloads);
      this.emit({ type: 'workloads', data: workloads });
    }
  }
}
