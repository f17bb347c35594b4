// The embedded MQTT broker (aedes) the bridge starts by default, so a laptop demo needs no
// mosquitto. It enforces the same model a production broker should be configured with (see
// README): the bridge user does everything, each board only its own topics.
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Client } from 'aedes';
import { authenticate, mayPublish, maySubscribe } from './acl.ts';
import type { BrokerAuthOptions, Identity } from './acl.ts';
import { Topics } from './topics.ts';
import { RateLog, clip } from '../common/rate-log.ts';
import type { LogFn } from '../common/rate-log.ts';
import { PacketGuard } from './packet-guard.ts';
import { certificateRefusal, createBrokerListener, listenLoopback, loopbackUrl } from './broker-tls.ts';
import type { BrokerTls } from './broker-tls.ts';

export interface EmbeddedBrokerOptions extends BrokerAuthOptions {
  /** Listen address (default 127.0.0.1; use 0.0.0.0 for boards on the LAN). */
  host?: string;
  /** TCP port; 0 picks a free one (see `port` after start). Default 1883. */
  port?: number;
  /** Base topic the ACLs are written for (default `podlights`). */
  baseTopic?: string;
  log?: LogFn;
  /** Largest packet accepted before a client is authenticated, and from boards (bytes). */
  maxPacketBytes?: { unauthenticated?: number; board?: number; bridge?: number };
  /** Serve mqtts on `port` (see broker-tls.ts); clients in this process use `url` (loopback). */
  tls?: BrokerTls;
}

/**
 * Before CONNECT is checked nobody deserves more than a CONNECT with credentials and a small
 * will; boards send HELLO/RESYNC frames (at most 1 KiB) and status words; the bridge publishes
 * retained snapshots, which grow with the pods shown.
 */
const PACKET_LIMITS = { unauthenticated: 16 * 1024, board: 16 * 1024, bridge: 64 * 1024 * 1024 };

export interface BrokerCounters {
  /** Clients connected now. */
  clients: number;
  connections: number;
  authFailures: number;
  publishesDenied: number;
  subscribesDenied: number;
  clientErrors: number;
  /** Connections cut because a packet was declared larger than allowed. */
  oversizePackets: number;
  /** Second connections for a board already connected from elsewhere, refused. */
  takeoversRefused: number;
  /** A board reconnected from the same address while its old session lingered: the new one won. */
  takeovers: number;
  /** Boards whose connection ended: `<base>/<id>/status offline` published for them. */
  boardsOffline: number;
  [key: string]: number;
}

export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private loopback: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly identities = new WeakMap<Client, Identity>();
  private readonly topics: Topics;
  private readonly rateLog: RateLog;
  private readonly count: BrokerCounters = {
    clients: 0,
    connections: 0,
    authFailures: 0,
    publishesDenied: 0,
    subscribesDenied: 0,
    clientErrors: 0,
    oversizePackets: 0,
    takeoversRefused: 0,
    takeovers: 0,
    boardsOffline: 0,
  };
  /** Packet limit of each socket: the unauthenticated one until CONNECT succeeds. */
  private readonly limits = new WeakMap<object, number>();
  /** The newest authenticated connection of each board (bounded by the connections open). */
  private readonly liveBoards = new Map<string, Client>();
  /** The port actually listened on (after start). */
  port = 0;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.topics = new Topics(options.baseTopic);
    this.rateLog = new RateLog(options.log ?? (() => {}));
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** `mqtt://host:port` for clients in this process (with TLS: the plain loopback listener). */
  get url(): string {
    if (this.loopback) return loopbackUrl(this.loopback);
    const host = this.host === '0.0.0.0' ? '127.0.0.1' : this.host;
    return `mqtt://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const refuse = (returnCode: 2 | 4 | 5, message: string): void => {
          done(Object.assign(new Error(message), { returnCode }), false);
        };
        const who = authenticate(this.options, client.id, username, password);
        if (!who) {
          this.count.authFailures += 1;
          // One key for all refusals: usernames are the client's choice and unbounded.
          this.rateLog.say('auth', `mqtt broker: refused client ${clip(client.id)} (user ${clip(username)}): bad credentials, or a board's client id is not its board id`);
          return refuse(4, 'bad username or password');
        }
        const badCertificate = certificateRefusal(client.conn, who.role === 'board' ? who.boardId : String(username));
        if (badCertificate) {
          this.count.authFailures += 1;
          this.rateLog.say('auth', `mqtt broker: refused client ${clip(client.id)} (user ${clip(username)}): ${clip(badCertificate, 200)}`);
          return refuse(5, 'not authorized');
        }
        if (who.role === 'board') {
          const existing = this.liveBoards.get(who.boardId);
          if (existing && existing !== client && existing.connected) {
            const before = remoteAddress(existing);
            const now = remoteAddress(client);
            if (before !== now) {
              // Two clients fighting over one board would kick each other off forever, and the
              // newcomer might be a copy of the board's credentials: the live session keeps it.
              this.count.takeoversRefused += 1;
              this.rateLog.say(
                `takeover:${who.boardId}`,
                `mqtt broker: refused a second connection for board ${who.boardId} from ${now} while it is connected from ${before}; the live session keeps the board (it ends by keepalive if it is dead)`,
              );
              return refuse(2, 'board already connected from elsewhere');
            }
            this.count.takeovers += 1;
            this.rateLog.say(`takeover:${who.boardId}`, `mqtt broker: board ${who.boardId} reconnected from ${now}; its previous session is closed`);
          }
          this.liveBoards.set(who.boardId, client);
        }
        this.identities.set(client, who);
        const max = { ...PACKET_LIMITS, ...this.options.maxPacketBytes };
        this.limits.set(client.conn, who.role === 'bridge' ? max.bridge : max.board);
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        const who = client ? this.identities.get(client) : undefined;
        if (who && mayPublish(this.topics, who, packet.topic)) return done(null);
        // aedes closes the connection of a client whose publish is refused (MQTT 3.1.1 has no
        // negative PUBACK); for a board that means it is misconfigured, which the log says.
        this.count.publishesDenied += 1;
        this.rateLog.say('pub', `mqtt broker: ${clip(client?.id ?? '(will)')} may not publish to ${clip(packet.topic)}`);
        done(new Error(`not authorized to publish to ${packet.topic}`));
      },
      authorizeSubscribe: (client, sub, done) => {
        const who = this.identities.get(client);
        if (who && maySubscribe(this.topics, who, sub.topic)) return done(null, sub);
        // Negated, not fatal: the SUBACK says 0x80 for this filter and the client stays connected.
        this.count.subscribesDenied += 1;
        this.rateLog.say('sub', `mqtt broker: ${clip(client.id)} may not subscribe to ${clip(sub.topic)}`);
        done(null, null);
      },
    });
    aedes.on('clientError', (client, err) => {
      this.count.clientErrors += 1;
      this.rateLog.say('err', `mqtt broker: client ${clip(client.id)}: ${clip(err.message, 200)}`);
    });
    aedes.on('clientDisconnect', (client) => this.onDisconnect(client));
    aedes.on('connectionError', (_client, err) => {
      this.count.clientErrors += 1;
      this.rateLog.say('conn', `mqtt broker: connection error: ${clip(err.message, 200)}`);
    });
    this.aedes = aedes;

    const onSocket = (socket: Socket): void => {
      this.sockets.add(socket);
      this.count.connections += 1;
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {}); // aedes reports client errors; a reset socket must not crash us
      const max = { ...PACKET_LIMITS, ...this.options.maxPacketBytes };
      const guard = new PacketGuard(
        () => this.limits.get(socket) ?? max.unauthenticated,
        (declared) => {
          this.count.oversizePackets += 1;
          const what = Number.isNaN(declared) ? 'a malformed packet length' : `a packet of ${declared} bytes (limit ${this.limits.get(socket) ?? max.unauthenticated})`;
          this.rateLog.say('oversize', `mqtt broker: cut the connection from ${socket.remoteAddress ?? '?'}: ${what}`);
          socket.destroy();
        },
      );
      // Attached before aedes reads: every chunk aedes reads passes here first.
      socket.on('data', (chunk: Buffer) => guard.push(chunk));
      aedes.handle(socket);
    };
    try {
      const server = createBrokerListener(this.options.tls, onSocket, (message) => this.rateLog.say('tls', message));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 1883, this.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      server.on('error', (err) => this.rateLog.say('server', `mqtt broker: ${err.message}`));
      this.port = (server.address() as AddressInfo).port;
      if (this.options.tls) this.loopback = await listenLoopback(onSocket);
    } catch (err) {
      // A start that fails (port taken, unreadable certificate) must not leave aedes' timers
      // holding the process open: whoever started us sees the error and may exit.
      const server = this.server;
      this.server = undefined;
      this.aedes = undefined;
      if (server?.listening) server.close();
      this.loopback?.close();
      this.loopback = undefined;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      throw err;
    }
  }

  /** Disconnects every client (their wills fire) and closes the listener. Safe to call twice. */
  async stop(): Promise<void> {
    const aedes = this.aedes;
    const server = this.server;
    this.aedes = undefined;
    this.server = undefined;
    this.loopback?.close();
    this.loopback = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
      // Sockets that never sent CONNECT are not aedes clients yet: end them here.
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      await closed;
    }
  }

  /**
   * A board's connection ended, cleanly or not: say `offline` on its status topic so the bridge
   * takes it offline at once, whether or not its firmware set a last will (the board's own will,
   * if any, says the same). Not when a newer connection of the same board already took over.
   */
  private onDisconnect(client: Client): void {
    const who = this.identities.get(client);
    if (!who || who.role !== 'board' || this.liveBoards.get(who.boardId) !== client) return;
    this.liveBoards.delete(who.boardId);
    this.count.boardsOffline += 1;
    this.aedes?.publish(
      { cmd: 'publish', topic: this.topics.board(who.boardId, 'status'), payload: Buffer.from('offline'), qos: 1, retain: true, dup: false },
      () => {},
    );
  }

  /** Counters, with `clients` the number connected (and authenticated) right now. */
  get counters(): BrokerCounters {
    return { ...this.count, clients: this.aedes?.connectedClients ?? 0 };
  }
}

function remoteAddress(client: Client): string {
  return (client.conn as Partial<Socket>).remoteAddress ?? '?';
}
