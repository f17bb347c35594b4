// The bridge: clusters -> views -> link -> transports, each part with start()/stop(). The
// controller only wires them; data flows one way, and a board's HELLO comes back up through the
// link as "this board exists, with so many LEDs", upon which its view is computed.
import type { KubeAccess } from './kube/kubeconfig.ts';
import { ClusterWatch, SHOW_SELECTORS } from './kube/cluster-watch.ts';
import type { ClusterWatchOptions } from './kube/cluster-watch.ts';
import { Link } from './link/link.ts';
import type { BoardInfo, KnownBoard } from './link/link.ts';
import type { Transport } from './transports/types.ts';
import { BoardView } from './view/board-view.ts';
import type { BoardSettings, BoardViewSettings } from './config/load.ts';

export interface ClusterSource {
  name: string;
  /** The connection: a kubeconfig context or the service account (client-node's KubeConfig fits too). */
  kubeConfig: KubeAccess;
}

export interface BridgeOptions {
  clusters: ClusterSource[];
  transports: Transport[];
  boards: BoardSettings[];
  /** View settings for boards that say HELLO without being configured. */
  boardDefaults: BoardViewSettings;
  nodeName?: string;
  flushMs?: number;
  heartbeatTimeoutMs?: number;
  /** See SessionOptions.retainEveryMs. */
  retainEveryMs?: number;
  /** Recompute views at most this often under a burst of cluster events, ms. */
  viewDebounceMs?: number;
  watch?: Partial<Pick<ClusterWatchOptions, 'probeAfterMs' | 'unreachableAfterMs' | 'backoffMinMs' | 'backoffMaxMs' | 'limits'>>;
  log?: (line: string) => void;
}

export class Bridge {
  readonly clusters: ClusterWatch[];
  readonly link: Link;
  private readonly views = new Map<string, BoardView>();
  private recompute: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private started = false;
  /** View recomputations, and errors in them (a broken view must not stop the others). */
  readonly counters = { views: 0, patches: 0, viewErrors: 0 };

  constructor(private readonly options: BridgeOptions) {
    const onChange = () => this.schedule();
    const podSelectors = watchedSelectors([options.boardDefaults, ...options.boards]);
    this.clusters = options.clusters.map(
      (c) => new ClusterWatch({ name: c.name, kubeConfig: c.kubeConfig, nodeName: options.nodeName, podSelectors, onChange, log: options.log, ...options.watch }),
    );
    const known: KnownBoard[] = options.boards
      .filter((b) => b.ledCount !== undefined)
      .map((b) => ({ boardId: b.id, ledCount: b.ledCount!, profile: b.profile, transport: b.transport }));
    this.link = new Link({
      transports: options.transports,
      boards: known,
      flushMs: options.flushMs,
      retainEveryMs: options.retainEveryMs,
      log: options.log,
      onBoard: (board) => this.onBoard(board),
      onForget: (boardId) => this.views.delete(boardId),
    });
  }

  async start(): Promise<void> {
    this.started = true;
    for (const c of this.clusters) c.start();
    await this.link.start();
    for (const board of this.link.boards()) this.onBoard(board);
  }

  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.recompute);
    clearImmediate(this.immediate);
    for (const c of this.clusters) c.stop();
    await this.link.stop();
  }

  private settingsFor(boardId: string): BoardViewSettings {
    return this.options.boards.find((b) => b.id === boardId) ?? this.options.boardDefaults;
  }

  private onBoard(board: BoardInfo): void {
    const view = this.views.get(board.boardId);
    if (!view || view.config.ledCount !== board.ledCount) {
      const s = this.settingsFor(board.boardId);
      this.views.set(
        board.boardId,
        new BoardView({ ...s, boardId: board.boardId, ledCount: board.ledCount, heartbeatTimeoutMs: this.options.heartbeatTimeoutMs }),
      );
    }
    this.update(board.boardId);
  }

  /** How long the last recomputation of every view took, ms. */
  private lastComputeMs = 0;
  private lastComputeEnd = 0;

  /**
   * Pods changed in place are shown at once (a patch costs O(changes)); anything structural is
   * recomputed after a quiet moment, and never more than a fifth of the time: under an event
   * storm on a big cluster the views lag a little more instead of eating the CPU. The link sends
   * only differences, so nothing is lost by skipping intermediate states.
   */
  private schedule(): void {
    if (!this.started || this.recompute || this.immediate) return;
    // setImmediate runs once the socket data at hand is handled: the events of one read share a patch.
    if (this.structuralPending()) this.recompute = setTimeout(() => this.run(), this.structuralWait());
    else this.immediate = setImmediate(() => this.run(true));
  }

  private structuralPending(): boolean {
    return this.clusters.some((c) => c.structuralPending());
  }

  /** The pause owed after the last recomputation shrinks as time passes: a change after a quiet spell is shown at once, a storm at a fifth of the CPU. */
  private structuralWait(): number {
    const owed = this.lastComputeMs * 4 - (performance.now() - this.lastComputeEnd);
    return Math.max(this.options.viewDebounceMs ?? 20, owed);
  }

  private run(fast = false): void {
    this.recompute = undefined;
    this.immediate = undefined;
    if (fast && this.structuralPending()) {
      // Something structural arrived since: it waits its quiet moment (the pod changes with it).
      this.recompute = setTimeout(() => this.run(), this.structuralWait());
      return;
    }
    const start = performance.now();
    const taken = this.clusters.map((cl) => ({ cluster: cl.state(), ...cl.takeChanges() }));
    const structural = taken.some((c) => c.structural);
    for (const id of this.views.keys()) this.update(id, structural ? undefined : taken);
    if (structural) {
      this.lastComputeEnd = performance.now();
      this.lastComputeMs = this.lastComputeEnd - start;
    }
  }

  private readonly warned = new Set<string>();

  /** A warning said once for the whole bridge (every board's view may find the same one). */
  private warnOnce(line: string): void {
    if (this.warned.has(line) || this.warned.size >= 1024) return;
    this.warned.add(line);
    this.options.log?.(`bridge: warning: ${line}`);
  }

  private update(boardId: string, podChanges?: Parameters<BoardView['patch']>[0]): void {
    const view = this.views.get(boardId);
    if (!view) return;
    try {
      this.counters.views++;
      const patched = podChanges ? view.patchPods(podChanges) : undefined;
      if (patched) {
        this.counters.patches++;
        this.link.patchState(boardId, patched.state, patched.handles);
      } else {
        this.link.setState(boardId, view.compute(this.clusters.map((c) => c.state())));
        for (const warning of view.takeColorWarnings()) this.warnOnce(warning);
      }
    } catch (err) {
      this.counters.viewErrors++;
      this.options.log?.(`bridge: view of ${boardId} failed: ${(err as Error).message}`);
    }
  }
}

/**
 * The pod watches the boards need: one per label alternative (the show labels, plus each
 * board's own selector), so pods no board shows never reach the bridge; every pod (undefined)
 * only when a board shows all.
 */
export function watchedSelectors(boards: Pick<BoardViewSettings, 'showAll' | 'selector'>[]): string[] | undefined {
  if (boards.some((b) => b.showAll)) return undefined;
  const out = [...SHOW_SELECTORS];
  for (const b of boards) if (b.selector && b.selector.trim() !== '' && !out.includes(b.selector)) out.push(b.selector);
  return out;
}
