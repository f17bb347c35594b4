// A stand-in WLED controller on loopback: a real UDP socket that decodes DDP per its
// specification (header, offsets, push flag, data type) into a frame buffer, shows a pushed
// frame, and leaves realtime mode after its realtime timeout as WLED does; and a real HTTP
// server answering /json/info.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DdpPacket {
  version: number;
  push: boolean;
  seq: number;
  type: number;
  id: number;
  offset: number;
  length: number;
  data: Buffer;
}

export function parseDdp(msg: Buffer): DdpPacket {
  if (msg.length < 10) throw new Error(`DDP packet of ${msg.length} bytes: shorter than its header`);
  const flags = msg[0];
  if (flags & 0x10) throw new Error('timecode flag set: header would be 14 bytes');
  const length = msg.readUInt16BE(8);
  if (msg.length !== 10 + length) throw new Error(`DDP length field ${length} but ${msg.length - 10} data bytes`);
  return { version: flags >> 6, push: (flags & 0x01) !== 0, seq: msg[1] & 0x0f, type: msg[2], id: msg[3], offset: msg.readUInt32BE(4), length, data: msg.subarray(10) };
}

export class StandInWled {
  readonly ledCount: number;
  /** What the strip shows: the last pushed frame while realtime, else its own effect. */
  shown: Buffer;
  realtime = false;
  readonly packets: DdpPacket[] = [];
  readonly problems: string[] = [];
  pushes = 0;
  realtimeEnds = 0;
  private buffer: Buffer;
  private timeout: NodeJS.Timeout | undefined;
  private udp: Socket | undefined;
  private http: Server | undefined;

  constructor(ledCount: number, readonly realtimeTimeoutMs = 2500) {
    this.ledCount = ledCount;
    this.buffer = Buffer.alloc(ledCount * 3);
    this.shown = Buffer.from(this.effect());
  }

  effect(): Buffer {
    return Buffer.alloc(this.ledCount * 3, 0x42);
  }

  get ddpPort(): number {
    return (this.udp!.address() as AddressInfo).port;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${(this.http!.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.udp = createSocket('udp4');
    this.udp.on('message', (msg) => this.receive(msg));
    await new Promise<void>((resolve) => this.udp!.bind(0, '127.0.0.1', () => resolve()));
    this.http = createServer((req, res) => {
      if (req.url !== '/json/info') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ver: '0.15.0', name: 'Desk', leds: { count: this.ledCount, rgbw: false, fps: 0 }, udpport: 21324 }));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', () => resolve()));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timeout);
    await new Promise<void>((resolve) => this.udp?.close(() => resolve()) ?? resolve());
    this.http?.closeAllConnections();
    await new Promise<void>((resolve) => this.http?.close(() => resolve()) ?? resolve());
  }

  private receive(msg: Buffer): void {
    let p: DdpPacket;
    try {
      p = parseDdp(msg);
    } catch (err) {
      this.problems.push((err as Error).message);
      return;
    }
    this.packets.push(p);
    if (p.version !== 1) this.problems.push(`version ${p.version}`);
    if (p.type !== 0x0b && p.type !== 0x01) this.problems.push(`data type 0x${p.type.toString(16)} is not RGB 8-bit`);
    if (p.id !== 1) this.problems.push(`destination ${p.id} is not the display`);
    if (p.seq < 1 || p.seq > 15) this.problems.push(`sequence ${p.seq} outside 1-15`);
    if (p.offset % 3 !== 0) this.problems.push(`offset ${p.offset} splits a pixel`);
    if (p.offset + p.length > this.buffer.length) this.problems.push(`data up to ${p.offset + p.length} past ${this.ledCount} LEDs`);
    p.data.copy(this.buffer, p.offset);
    this.realtime = true;
    if (p.push) {
      this.pushes++;
      this.shown = Buffer.from(this.buffer);
    }
    clearTimeout(this.timeout);
    this.timeout = setTimeout(() => {
      // WLED's realtime timeout: back to its own effect.
      this.realtime = false;
      this.realtimeEnds++;
      this.shown = this.effect();
    }, this.realtimeTimeoutMs);
  }
}
