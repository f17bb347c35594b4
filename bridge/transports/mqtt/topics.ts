// The MQTT topic tree of protocol/SPEC.md section 6, in one place for the bridge transport, the
// embedded broker's ACLs and the board client, so the three can never disagree.
import { validBoardId } from '../common/upstream.ts';

export const DEFAULT_BASE = 'podlights';

/** Topics a board publishes to (under its own id only). */
export type UpstreamKind = 'hello' | 'resync' | 'status';
/** Topics the bridge publishes to per board. */
export type DownstreamKind = 'frames' | 'snapshot';

export class Topics {
  readonly base: string;

  constructor(base: string = DEFAULT_BASE) {
    if (base.length === 0 || base.includes('+') || base.includes('#') || base.startsWith('/') || base.endsWith('/')) {
      throw new Error(`podlights mqtt: invalid base topic ${JSON.stringify(base)}`);
    }
    this.base = base;
  }

  get bridgeState(): string {
    return `${this.base}/bridge/state`;
  }

  board(boardId: string, kind: UpstreamKind | DownstreamKind): string {
    return `${this.base}/${boardId}/${kind}`;
  }

  /** Subscription filters for everything boards send up. */
  get upstreamFilters(): string[] {
    return [`${this.base}/+/hello`, `${this.base}/+/resync`, `${this.base}/+/status`];
  }

  /** `<base>/<boardId>/<kind>` back to its parts; undefined for any other topic. */
  parse(topic: string): { boardId: string; kind: string } | undefined {
    const prefix = this.base + '/';
    if (!topic.startsWith(prefix)) return undefined;
    const rest = topic.slice(prefix.length).split('/');
    if (rest.length !== 2) return undefined;
    const [boardId, kind] = rest;
    if (!isBoardIdForMqtt(boardId)) return undefined;
    return { boardId, kind };
  }
}

/** "bridge" is a topic level of its own (`<base>/bridge/state`), so no board may take it. */
export function isBoardIdForMqtt(id: string): boolean {
  return validBoardId(id) && id !== 'bridge';
}
