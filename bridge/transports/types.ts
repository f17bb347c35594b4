// The contract between the link layer (per-board sessions) and the transports that carry frames
// to boards (MQTT, USB serial, ...). Data flows down through send/retainSnapshot; the only things
// that travel back up are a board's HELLO and RESYNC and the news that a board is gone.
import type { Hello, Resync } from '../../protocol/index.ts';

export interface TransportEvents {
  /** A board introduced itself (at boot, on reconnect, or when the bridge came online). */
  hello(boardId: string, hello: Hello, via: Transport): void;
  /** A board asks for a snapshot. */
  resync(boardId: string, resync: Resync, via: Transport): void;
  /** A board can no longer be reached through this transport (unplugged, disconnected). */
  gone(boardId: string, via: Transport): void;
}

export type TransportState = 'starting' | 'up' | 'degraded' | 'down' | 'stopped';

export interface TransportHealth {
  name: string;
  state: TransportState;
  /** One line a person can read: the broker URL and whether it is connected, the port, ... */
  detail: string;
  /** Counters: frames sent, bytes, decode errors, reconnects, drops... Never silently lost. */
  counters: Record<string, number>;
}

export interface Transport {
  /** 'mqtt', 'serial:/dev/ttyACM0', ... */
  readonly name: string;
  start(events: TransportEvents): Promise<void>;
  /** Stops and releases everything it holds (sockets, ports, timers). Safe to call twice. */
  stop(): Promise<void>;
  /**
   * Delivers frames to a board, in order. Resolves once they are handed over (respecting
   * backpressure); rejects only for a board this transport does not know.
   */
  send(boardId: string, frames: Uint8Array[]): Promise<void>;
  /** Replaces the board's retained snapshot (MQTT); transports without retention do nothing. */
  retainSnapshot(boardId: string, frames: Uint8Array[]): Promise<void>;
  health(): TransportHealth;
}
