// Who may do what on the embedded broker. Pure functions, so the rules are tested without sockets.
// The bridge user may do everything. A board (username = its board id) may publish only its own
// hello/resync/status and subscribe only to its own topics and to the bridge state: one stolen
// board password cannot paint another board, fake a bridge, or read the rest of the cluster.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Topics, isBoardIdForMqtt } from './topics.ts';

export interface BrokerAuthOptions {
  /** The bridge's own credentials: full access. */
  bridge: { username: string; password: string };
  /** Per-board passwords, by board id. */
  boards?: Record<string, string>;
  /**
   * One password every board may use, except boards that have their own in `boards`: for those
   * only their own password works, so a leaked shared password cannot become them.
   */
  boardPassword?: string;
  /** Clients without a username get the board ACL of their client id (local demos only). */
  allowAnonymous?: boolean;
}

export type Identity = { role: 'bridge' } | { role: 'board'; boardId: string };

/** Constant-time comparison of secrets of any length (hashing first evens out the lengths). */
function sameSecret(given: string | Buffer | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The identity a CONNECT earns, or undefined when it must be refused. A board is bound to its
 * client id as well as its credentials: the client id must be the board id, so one board's
 * credentials cannot take over another board's session (MQTT lets a new client with the same
 * id kick the old one off).
 */
export function authenticate(
  options: BrokerAuthOptions,
  clientId: string,
  username: string | undefined,
  password: Buffer | undefined,
): Identity | undefined {
  if (username === undefined || username === '') {
    if (!options.allowAnonymous || !isBoardIdForMqtt(clientId)) return undefined;
    // A board with its own password never connects anonymously.
    if (options.boards?.[clientId] !== undefined) return undefined;
    return { role: 'board', boardId: clientId };
  }
  if (username === options.bridge.username) {
    return sameSecret(password, options.bridge.password) ? { role: 'bridge' } : undefined;
  }
  if (!isBoardIdForMqtt(username) || clientId !== username) return undefined;
  const own = options.boards?.[username];
  if (own !== undefined) return sameSecret(password, own) ? { role: 'board', boardId: username } : undefined;
  if (options.boardPassword !== undefined && sameSecret(password, options.boardPassword)) {
    return { role: 'board', boardId: username };
  }
  return undefined;
}

export function mayPublish(topics: Topics, who: Identity, topic: string): boolean {
  if (who.role === 'bridge') return !topic.startsWith('$');
  return (
    topic === topics.board(who.boardId, 'hello') ||
    topic === topics.board(who.boardId, 'resync') ||
    topic === topics.board(who.boardId, 'status')
  );
}

/**
 * Subscriptions are checked as filter strings, not by matching: a board may ask only for the
 * exact filters below, so no wildcard can reach past its own subtree.
 */
export function maySubscribe(topics: Topics, who: Identity, filter: string): boolean {
  if (who.role === 'bridge') return true;
  const own = `${topics.base}/${who.boardId}/`;
  return (
    filter === topics.board(who.boardId, 'frames') ||
    filter === topics.board(who.boardId, 'snapshot') ||
    filter === topics.bridgeState ||
    filter === own + '#' ||
    filter === own + '+'
  );
}
