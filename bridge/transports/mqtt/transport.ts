// The bridge's MQTT transport (protocol/SPEC.md section 6): frames down to `<base>/<id>/frames`,
// the retained snapshot to `<base>/<id>/snapshot`, HELLO/RESYNC up from `<base>/<id>/hello|resync`,
// and `<base>/bridge/state` online/offline (retained, offline also as the last will).
import mqtt from 'mqtt';
import type { MqttClient, IClientPublishOptions } from 'mqtt';
import { DEFAULT_MAX_FRAME, decode, streamFrame } from '../../../protocol/index.ts';
import type { Transport, TransportEvents, TransportHealth, TransportState } from '../types.ts';
import { Backoff } from '../common/backoff.ts';
import type { BackoffOptions } from '../common/backoff.ts';
import { RateLog } from '../common/rate-log.ts';
import type { LogFn } from '../common/rate-log.ts';
import { readUpstream } from '../common/upstream.ts';
import { clientOptions, forgetInFlight, safeUrl } from './connection.ts';
import type { MqttConnection } from './connection.ts';
import { Topics, isBoardIdForMqtt } from './topics.ts';

export interface MqttTransportOptions extends MqttConnection {
  /** Transport name in health and link config (default `mqtt`). */
  name?: string;
  /** Default `podlights`. */
  baseTopic?: string;
  backoff?: BackoffOptions;
  /** Largest upstream frame accepted (default 1024). */
  maxFrame?: number;
  /** How long stop() waits for the `offline` state to be acknowledged, ms (default 2000). */
  stopTimeoutMs?: number;
  log?: LogFn;
}

const COUNTERS = [
  'connects', 'reconnects', 'disconnects', 'connectErrors', 'framesSent', 'bytesSent',
  'framesDroppedOffline', 'publishErrors', 'snapshotsRetained', 'snapshotsCleared', 'snapshotsDeferred',
  'hellos', 'resyncs', 'badFrames', 'boardIdMismatch', 'ignoredMessages', 'unknownTopics',
  'boardsGone', 'subscribeDenied', 'eventErrors',
] as const;
type Counter = (typeof COUNTERS)[number];

export class MqttTransport implements Transport {
  readonly name: string;
  private readonly topics: Topics;
  private readonly backoff: Backoff;
  private readonly rateLog: RateLog;
  private readonly log: LogFn;
  private client: MqttClient | undefined;
  private events: TransportEvents | undefined;
  private state: TransportState = 'stopped';
  private lastError = '';
  private stopping = false;
  private everConnected = false;
  /** Retained snapshots that could not be published while offline; latest per board wins. */
  private readonly pendingRetained = new Map<string, Uint8Array[]>();
  /** Boards that said HELLO and have not gone: for the health line. */
  private readonly boards = new Set<string>();
  /** Resolvers of publishes waiting for an ack; a closed connection releases them all. */
  private readonly waiting = new Set<() => void>();
  private readonly counters = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Record<Counter, number>;

  constructor(private readonly options: MqttTransportOptions) {
    this.name = options.name ?? 'mqtt';
    this.topics = new Topics(options.baseTopic);
    this.backoff = new Backoff(options.backoff);
    this.log = options.log ?? (() => {});
    this.rateLog = new RateLog(this.log);
  }

  /** Resolves after the first connection attempt, connected or not: retries go on in the background. */
  async start(events: TransportEvents): Promise<void> {
    if (this.client) return;
    this.events = events;
    this.stopping = false;
    this.state = 'starting';
    const will = { topic: this.topics.bridgeState, payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const client = mqtt.connect(this.options.url, clientOptions(this.options, will));
    this.client = client;
    client.on('connect', () => this.onConnect(client));
    client.on('close', () => this.onClose());
    client.on('error', (err) => {
      this.counters.connectErrors += 1;
      this.lastError = err.message;
      this.rateLog.say('error', `${this.name}: ${safeUrl(this.options.url)}: ${err.message}`);
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    await new Promise<void>((resolve) => {
      const done = (): void => {
        client.off('connect', done);
        client.off('close', done);
        resolve();
      };
      client.on('connect', done);
      client.on('close', done);
    });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.stopping = true;
    this.backoff.cancel();
    this.client = undefined;
    if (client) {
      let said = false;
      if (client.connected) {
        // A clean goodbye: the broker drops the will, so say offline ourselves.
        said = await this.publish(client, this.topics.bridgeState, Buffer.from('offline'), { qos: 1, retain: true }, this.options.stopTimeoutMs ?? 2000);
      }
      // A broker that did not ack gets no polite DISCONNECT: end(false) would wait for the ack.
      await new Promise<void>((resolve) => client.end(!said, {}, () => resolve()));
      client.removeAllListeners();
      client.on('error', () => {}); // late socket errors after end() must stay harmless
    }
    for (const release of this.waiting) release();
    this.waiting.clear();
    this.boards.clear();
    this.state = 'stopped';
  }

  async send(boardId: string, frames: Uint8Array[]): Promise<void> {
    if (!isBoardIdForMqtt(boardId)) throw new Error(`${this.name}: invalid board id ${JSON.stringify(boardId)}`);
    const client = this.client;
    if (!client || !client.connected) {
      // The board gets a snapshot after the reconnect anyway (it re-sends HELLO on bridge/state).
      this.counters.framesDroppedOffline += frames.length;
      return;
    }
    const topic = this.topics.board(boardId, 'frames');
    const sent = await Promise.all(frames.map((f) => this.publish(client, topic, Buffer.from(f), { qos: 0, retain: false })));
    for (let i = 0; i < frames.length; i++) {
      if (sent[i]) {
        this.counters.framesSent += 1;
        this.counters.bytesSent += frames[i].length;
      } else this.counters.publishErrors += 1;
    }
  }

  async retainSnapshot(boardId: string, frames: Uint8Array[]): Promise<void> {
    if (!isBoardIdForMqtt(boardId)) throw new Error(`${this.name}: invalid board id ${JSON.stringify(boardId)}`);
    const client = this.client;
    if (!client || !client.connected) {
      this.pendingRetained.set(boardId, frames);
      this.counters.snapshotsDeferred += 1;
      return;
    }
    await this.publishRetained(client, boardId, frames);
  }

  health(): TransportHealth {
    const url = safeUrl(this.options.url);
    let detail: string;
    if (this.state === 'up') detail = `connected to ${url}, base ${this.topics.base}, ${this.boards.size} board(s)`;
    else if (this.state === 'degraded') detail = `connected to ${url} but ${this.lastError}`;
    else if (this.state === 'stopped') detail = `stopped (${url})`;
    else {
      const retry = this.backoff.pending ? `, retry in ${Math.max(0, Math.round((this.backoff.dueAt - Date.now()) / 1000))}s` : '';
      detail = `not connected to ${url}${this.lastError ? `: ${this.lastError}` : ''}${retry}`;
    }
    return { name: this.name, state: this.state, detail, counters: { ...this.counters } };
  }

  private onConnect(client: MqttClient): void {
    if (client !== this.client) return;
    this.counters.connects += 1;
    if (this.everConnected) this.counters.reconnects += 1;
    this.everConnected = true;
    this.backoff.reset();
    this.lastError = '';
    this.state = 'up';
    this.log(`${this.name}: connected to ${safeUrl(this.options.url)}`);
    client.subscribe(this.topics.upstreamFilters, { qos: 1 }, (err, granted) => {
      // On a refusal mqtt.js passes an error carrying the SUBACK (return codes, in request order).
      const codes = err ? ((err as { packet?: { granted?: number[] } }).packet?.granted ?? []) : (granted ?? []).map((g) => g.qos);
      const refused = this.topics.upstreamFilters.filter((_, i) => (codes[i] ?? 0) >= 0x80);
      if (client !== this.client || !client.connected) return; // the connection is gone already
      if (err || refused.length > 0) {
        this.counters.subscribeDenied += 1;
        this.lastError = refused.length > 0 ? `the broker refused the subscriptions ${refused.join(', ')}` : `subscribe failed: ${err?.message}`;
        this.state = 'degraded';
        this.rateLog.say('sub', `${this.name}: ${this.lastError}`);
      }
    });
    // After the subscriptions, so the HELLOs this triggers are not missed.
    void this.publish(client, this.topics.bridgeState, Buffer.from('online'), { qos: 1, retain: true });
    const pending = [...this.pendingRetained];
    this.pendingRetained.clear();
    for (const [boardId, frames] of pending) void this.publishRetained(client, boardId, frames);
  }

  private onClose(): void {
    forgetInFlight(this.client);
    for (const release of this.waiting) release();
    this.waiting.clear();
    if (this.stopping || !this.client) return;
    if (this.state === 'up' || this.state === 'degraded') {
      this.counters.disconnects += 1;
      this.log(`${this.name}: lost ${safeUrl(this.options.url)}; reconnecting`);
    }
    this.state = 'down';
    const client = this.client;
    this.backoff.schedule(() => {
      if (!this.stopping && this.client === client) client.reconnect();
    });
  }

  private async publishRetained(client: MqttClient, boardId: string, frames: Uint8Array[]): Promise<void> {
    // The snapshot is a byte stream (COBS framing) so one retained message holds all its frames.
    const payload = Buffer.concat(frames.map((f) => streamFrame(f)));
    const ok = await this.publish(client, this.topics.board(boardId, 'snapshot'), payload, { qos: 1, retain: true });
    if (!ok) {
      // Retry on the next connect unless a newer snapshot has been queued meanwhile.
      if (!this.pendingRetained.has(boardId)) this.pendingRetained.set(boardId, frames);
      this.counters.publishErrors += 1;
    } else if (frames.length === 0) this.counters.snapshotsCleared += 1;
    else this.counters.snapshotsRetained += 1;
  }

  /** Publishes; resolves true once handed over (QoS 0) or acknowledged (QoS 1), false on failure. */
  private publish(client: MqttClient, topic: string, payload: Buffer, opts: IClientPublishOptions, timeoutMs?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (ok: boolean): void => {
        if (timer) clearTimeout(timer);
        this.waiting.delete(release);
        resolve(ok);
      };
      const release = (): void => finish(false);
      this.waiting.add(release);
      if (timeoutMs !== undefined) timer = setTimeout(release, timeoutMs);
      client.publish(topic, payload, opts, (err) => {
        if (err) this.rateLog.say('pub', `${this.name}: publish to ${topic} failed: ${err.message}`);
        finish(!err);
      });
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = this.topics.parse(topic);
    if (!t) return void (this.counters.unknownTopics += 1);
    if (t.kind === 'status') {
      if (payload.toString('utf8') === 'offline') {
        this.counters.boardsGone += 1;
        this.boards.delete(t.boardId);
        this.emit(() => this.events?.gone(t.boardId, this));
      }
      return;
    }
    if (t.kind !== 'hello' && t.kind !== 'resync') return void (this.counters.unknownTopics += 1);
    const frame = decode(payload, { maxFrame: this.options.maxFrame ?? DEFAULT_MAX_FRAME });
    if (!frame.ok) {
      this.counters.badFrames += 1;
      this.rateLog.say(`bad:${t.boardId}`, `${this.name}: bad frame on ${topic}: ${frame.code} at ${frame.offset}: ${frame.reason}`);
      return;
    }
    const up = readUpstream(frame);
    if ('problem' in up) {
      this.counters.badFrames += 1;
      this.rateLog.say(`bad:${t.boardId}`, `${this.name}: rejected frame on ${topic}: ${up.problem}`);
      return;
    }
    this.counters.ignoredMessages += up.ignored;
    for (const hello of up.hellos) {
      if (hello.boardId !== t.boardId) {
        this.counters.boardIdMismatch += 1;
        this.rateLog.say(`id:${t.boardId}`, `${this.name}: HELLO on ${topic} names board ${JSON.stringify(hello.boardId)}; rejected`);
        continue;
      }
      this.counters.hellos += 1;
      this.boards.add(t.boardId);
      this.emit(() => this.events?.hello(t.boardId, hello, this));
    }
    for (const resync of up.resyncs) {
      this.counters.resyncs += 1;
      this.emit(() => this.events?.resync(t.boardId, resync, this));
    }
  }

  /** A bug upstream must not tear down the MQTT client's read loop. */
  private emit(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.counters.eventErrors += 1;
      this.rateLog.say('event', `${this.name}: event handler failed: ${(err as Error).message}`);
    }
  }
}
