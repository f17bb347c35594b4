// The embedded MQTT broker (aedes) the bridge starts by default, so a laptop demo needs no
// mosquitto. It enforces the same model a production broker should be configured with (see
// README): the bridge user does everything, each board only its own topics.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { Aedes } from 'aedes';
import type { Client } from 'aedes';
import { authenticate, mayPublish, maySubscribe } from './acl.ts';
import type { BrokerAuthOptions, Identity } from './acl.ts';
import { Topics } from './topics.ts';
import { RateLog } from '../common/rate-log.ts';
import type { LogFn } from '../common/rate-log.ts';

export interface EmbeddedBrokerOptions extends BrokerAuthOptions {
  /** Listen address (default 127.0.0.1; use 0.0.0.0 for boards on the LAN). */
  host?: string;
  /** TCP port; 0 picks a free one (see `port` after start). Default 1883. */
  port?: number;
  /** Base topic the ACLs are written for (default `podlights`). */
  baseTopic?: string;
  log?: LogFn;
}

export interface BrokerCounters {
  /** Clients connected now. */
  clients: number;
  connections: number;
  authFailures: number;
  publishesDenied: number;
  subscribesDenied: number;
  clientErrors: number;
  [key: string]: number;
}

export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;
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
  };
  /** The port actually listened on (after start). */
  port = 0;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.topics = new Topics(options.baseTopic);
    this.rateLog = new RateLog(options.log ?? (() => {}));
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** `mqtt://host:port` for clients in this process. */
  get url(): string {
    const host = this.host === '0.0.0.0' ? '127.0.0.1' : this.host;
    return `mqtt://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const who = authenticate(this.options, client.id, username, password);
        if (!who) {
          this.count.authFailures += 1;
          this.rateLog.say(`auth:${username}`, `mqtt broker: refused client ${client.id} (user ${username ?? '(none)'})`);
          const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
          done(err, false);
          return;
        }
        this.identities.set(client, who);
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        const who = client ? this.identities.get(client) : undefined;
        if (who && mayPublish(this.topics, who, packet.topic)) return done(null);
        // aedes closes the connection of a client whose publish is refused (MQTT 3.1.1 has no
        // negative PUBACK); for a board that means it is misconfigured, which the log says.
        this.count.publishesDenied += 1;
        this.rateLog.say(`pub:${client?.id}`, `mqtt broker: ${client?.id ?? '(will)'} may not publish to ${packet.topic}`);
        done(new Error(`not authorized to publish to ${packet.topic}`));
      },
      authorizeSubscribe: (client, sub, done) => {
        const who = this.identities.get(client);
        if (who && maySubscribe(this.topics, who, sub.topic)) return done(null, sub);
        // Negated, not fatal: the SUBACK says 0x80 for this filter and the client stays connected.
        this.count.subscribesDenied += 1;
        this.rateLog.say(`sub:${client.id}`, `mqtt broker: ${client.id} may not subscribe to ${sub.topic}`);
        done(null, null);
      },
    });
    aedes.on('clientError', (client, err) => {
      this.count.clientErrors += 1;
      this.rateLog.say(`err:${client.id}`, `mqtt broker: client ${client.id}: ${err.message}`);
    });
    aedes.on('connectionError', (_client, err) => {
      this.count.clientErrors += 1;
      this.rateLog.say('conn', `mqtt broker: connection error: ${err.message}`);
    });
    this.aedes = aedes;

    const server = createServer((socket) => {
      this.sockets.add(socket);
      this.count.connections += 1;
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {}); // aedes reports client errors; a reset socket must not crash us
      aedes.handle(socket);
    });
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
  }

  /** Disconnects every client (their wills fire) and closes the listener. Safe to call twice. */
  async stop(): Promise<void> {
    const aedes = this.aedes;
    const server = this.server;
    this.aedes = undefined;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
      // Sockets that never sent CONNECT are not aedes clients yet: end them here.
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      await closed;
    }
  }

  /** Counters, with `clients` the number connected (and authenticated) right now. */
  get counters(): BrokerCounters {
    return { ...this.count, clients: this.aedes?.connectedClients ?? 0 };
  }
}
