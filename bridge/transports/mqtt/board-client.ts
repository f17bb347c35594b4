// The board's side of the MQTT transport, in Node: what the firmware's MQTT HAL does on a real
// board, for the demo's virtual boards and for tests. It speaks only through the topics a board
// may use (see acl.ts), so a virtual board proves the broker's ACLs as a real one would.
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { DEFAULT_MAX_FRAME, Deframer, fromBinaryString, toBinaryString } from '../../../protocol/index.ts';
import { Backoff } from '../common/backoff.ts';
import type { BackoffOptions } from '../common/backoff.ts';
import { clientOptions, forgetInFlight } from './connection.ts';
import type { MqttConnection } from './connection.ts';
import { Topics, isBoardIdForMqtt } from './topics.ts';

export interface MqttBoardClientOptions extends Omit<MqttConnection, 'username' | 'clientId'> {
  boardId: string;
  /** Default `podlights`. */
  baseTopic?: string;
  /** Sets a retained `<base>/<id>/status` = online on connect and offline as the last will. */
  statusWill?: boolean;
  /** Connect without a username (brokers that allow anonymous boards by client id). */
  anonymous?: boolean;
  /** Each frame, in arrival order: snapshot frames from the retained stream, then live frames. */
  onFrame: (frame: Uint8Array, source: 'snapshot' | 'frames') => void;
  /** The bridge said online: a board answers with HELLO. */
  onBridgeOnline?: () => void;
  onBridgeOffline?: () => void;
  /** Connected (or reconnected) to the broker. */
  onConnect?: () => void;
  backoff?: BackoffOptions;
  maxFrame?: number;
}

export interface BoardClientStats {
  connects: number;
  frames: number;
  snapshotFrames: number;
  /** Snapshot stream blocks that did not decode as COBS (never expected from the bridge). */
  badSnapshotBlocks: number;
  upstream: number;
  upstreamDropped: number;
  errors: number;
}

export class MqttBoardClient {
  private client: MqttClient | undefined;
  private readonly topics: Topics;
  private readonly backoff: Backoff;
  private stopping = false;
  lastError = '';
  bridgeState = '';
  readonly stats: BoardClientStats = { connects: 0, frames: 0, snapshotFrames: 0, badSnapshotBlocks: 0, upstream: 0, upstreamDropped: 0, errors: 0 };

  constructor(private readonly options: MqttBoardClientOptions) {
    if (!isBoardIdForMqtt(options.boardId)) throw new Error(`invalid board id ${JSON.stringify(options.boardId)}`);
    this.topics = new Topics(options.baseTopic);
    this.backoff = new Backoff(options.backoff ?? { initialMs: 200, maxMs: 5000 });
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Resolves once connected and subscribed; rejects when the first attempt fails (e.g. refused). */
  async start(): Promise<void> {
    if (this.client) return;
    this.stopping = false;
    const o = this.options;
    const status = this.topics.board(o.boardId, 'status');
    const will = o.statusWill ? { topic: status, payload: Buffer.from('offline'), qos: 1 as const, retain: true } : undefined;
    const client = mqtt.connect(o.url, clientOptions({ ...o, clientId: o.boardId, username: o.anonymous ? undefined : o.boardId }, will));
    this.client = client;
    client.on('error', (err) => {
      this.stats.errors += 1;
      this.lastError = err.message;
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('close', () => {
      forgetInFlight(client);
      if (this.stopping || this.client !== client) return;
      this.backoff.schedule(() => {
        if (!this.stopping && this.client === client) client.reconnect();
      });
    });
    const first = new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('close', () => reject(new Error(`board ${o.boardId}: cannot connect: ${this.lastError || 'closed'}`)));
    });
    client.on('connect', () => {
      this.stats.connects += 1;
      this.backoff.reset();
      // Subscribed before telling anyone we are here, so no frame meant for us is missed.
      client.subscribe(
        [this.topics.board(o.boardId, 'snapshot'), this.topics.board(o.boardId, 'frames'), this.topics.bridgeState],
        { qos: 0 },
        () => {
          if (o.statusWill) client.publish(status, 'online', { qos: 1, retain: true });
          o.onConnect?.();
        },
      );
    });
    try {
      await first;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Sends a HELLO or RESYNC frame (the firmware's own encoding) up to the bridge. */
  sendUpstream(frame: Uint8Array, kind: 'hello' | 'resync'): void {
    const client = this.client;
    if (!client?.connected) {
      this.stats.upstreamDropped += 1;
      return;
    }
    this.stats.upstream += 1;
    client.publish(this.topics.board(this.options.boardId, kind), Buffer.from(frame), { qos: 0 });
  }

  /** A clean stop: no last will (a board switched off on purpose says offline itself). */
  async stop(): Promise<void> {
    const client = this.client;
    this.stopping = true;
    this.backoff.cancel();
    this.client = undefined;
    if (!client) return;
    let polite = client.connected;
    if (client.connected && this.options.statusWill) {
      polite = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 1000);
        client.publish(this.topics.board(this.options.boardId, 'status'), 'offline', { qos: 1, retain: true }, (err) => {
          clearTimeout(t);
          resolve(!err);
        });
      });
    }
    await new Promise<void>((resolve) => client.end(!polite, {}, () => resolve()));
    client.removeAllListeners();
    client.on('error', () => {});
  }

  /** Drops the connection without DISCONNECT, as a board losing power would (tests: last will). */
  kill(): void {
    const client = this.client;
    this.stopping = true;
    this.backoff.cancel();
    this.client = undefined;
    if (!client) return;
    client.end(true);
    client.removeAllListeners();
    client.on('error', () => {});
  }

  private onMessage(topic: string, payload: Buffer): void {
    const id = this.options.boardId;
    if (topic === this.topics.bridgeState) {
      const state = payload.toString('utf8');
      const was = this.bridgeState;
      this.bridgeState = state;
      if (state === 'online' && was !== 'online') this.options.onBridgeOnline?.();
      if (state === 'offline' && was !== 'offline') this.options.onBridgeOffline?.();
    } else if (topic === this.topics.board(id, 'frames')) {
      this.stats.frames += 1;
      this.options.onFrame(new Uint8Array(payload), 'frames');
    } else if (topic === this.topics.board(id, 'snapshot')) {
      this.readSnapshot(payload);
    }
  }

  /**
   * The retained snapshot is a COBS stream. A fresh deframer per payload, so a truncated one
   * cannot corrupt the next; frames go out whole and undecoded, since checking them is the
   * firmware's job, as on a real board.
   */
  private readSnapshot(payload: Buffer): void {
    const deframer = new Deframer(
      (frame) => {
        this.stats.snapshotFrames += 1;
        this.options.onFrame(fromBinaryString(frame), 'snapshot');
      },
      () => {
        this.stats.badSnapshotBlocks += 1;
      },
      this.options.maxFrame ?? DEFAULT_MAX_FRAME,
    );
    deframer.push(toBinaryString(payload));
  }
}
