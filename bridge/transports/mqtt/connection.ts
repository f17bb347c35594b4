// Broker connection settings shared by the bridge transport and the board client, turned into
// mqtt.js options. Reconnects are ours (see Backoff), so mqtt.js's fixed-period timer is off.
import { readFileSync } from 'node:fs';
import type { IClientOptions, MqttClient } from 'mqtt';

export interface MqttTls {
  /** PEM text or a file path (a value without "-----BEGIN" is read as a path). */
  ca?: string;
  cert?: string;
  key?: string;
  /** Default true; false only for a test broker with a self-signed certificate. */
  rejectUnauthorized?: boolean;
}

export interface MqttConnection {
  /** `mqtt://host:1883` or `mqtts://host:8883`. */
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  tls?: MqttTls;
  /** Keepalive seconds (default 30): how fast the broker notices a dead peer and fires its will. */
  keepalive?: number;
  /** How long one connection attempt may take, ms (default 10000). */
  connectTimeoutMs?: number;
}

function pem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

export function checkUrl(url: string): URL {
  const u = new URL(url);
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:'].includes(u.protocol)) {
    throw new Error(`podlights mqtt: unsupported broker URL ${url} (use mqtt:// or mqtts://)`);
  }
  return u;
}

export function clientOptions(c: MqttConnection, will: IClientOptions['will']): IClientOptions {
  checkUrl(c.url);
  return {
    clientId: c.clientId,
    username: c.username,
    password: c.password,
    ca: pem(c.tls?.ca),
    cert: pem(c.tls?.cert),
    key: pem(c.tls?.key),
    rejectUnauthorized: c.tls?.rejectUnauthorized ?? true,
    keepalive: c.keepalive ?? 30,
    connectTimeout: c.connectTimeoutMs ?? 10000,
    // MQTT 3.1.1: what NodeMCU and Espruino clients speak, and every broker accepts.
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    // Frames published while offline would be stale by the time the link is back: drop and count.
    queueQoSZero: false,
    // mqtt-packet otherwise builds 65,536 two-byte Buffers (every packet id and length it might
    // write) at the first publish: 3-14 MB of RSS for a bridge that writes a few numbers a second.
    writeCache: false,
    will,
  };
}

/** The URL without credentials, for logs and health details. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}

/**
 * With a clean session and our own reconnects, mqtt.js keeps QoS 1 publishes that were in flight
 * when the connection died in its `outgoing` table forever: never resent (new session), never
 * failed, and end() then waits for them. `_flush` fails them (mqtt.js does the same itself when
 * it ends a connection); the retained snapshot among them is queued again for the next connect.
 */
export function forgetInFlight(client: MqttClient | undefined): void {
  (client as unknown as { _flush?: () => void } | undefined)?._flush?.();
}
