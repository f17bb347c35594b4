// WLED: DDP on a real UDP socket on loopback, decoded per the specification; the LED count from a
// real /json/info; the keepalive that holds WLED in realtime mode and the realtime timeout that
// hands the strip back when podlights stops; discovery against a real mDNS responder.
import t from 'tap';
import { createSocket } from 'node:dgram';
import mdns from 'multicast-dns';
import { WledSink, parseHostPort } from '../../bridge/local/wled/sink.ts';
import { ddpPackets, nextSeq, DDP_MAX_DATA } from '../../bridge/local/wled/ddp.ts';
import { discoverWled } from '../../bridge/local/wled/discover.ts';
import { wledInfo } from '../../bridge/local/wled/info.ts';
import { parseDdp, StandInWled } from './wled-standin.ts';
import { waitFor } from '../transports/helpers/wait.ts';

const frame = (n: number, seed: number) => Uint8Array.from({ length: n * 3 }, (_, i) => (seed * 31 + i * 7) & 255);

t.test('DDP packets: header, offsets, push on the last, split at 480 LEDs', async (t) => {
  const px = frame(1000, 1);
  const packets = ddpPackets(px, 7).map(parseDdp);
  t.same(packets.map((p) => [p.offset, p.length, p.push]), [[0, 1440, false], [1440, 1440, false], [2880, 120, true]]);
  t.ok(packets.every((p) => p.version === 1 && p.seq === 7 && p.type === 0x0b && p.id === 1));
  t.same(Buffer.concat(packets.map((p) => p.data)), Buffer.from(px), 'the data, in order, is the frame');
  t.equal(ddpPackets(frame(480, 2), 1).length, 1, 'exactly one packet worth');
  t.equal(ddpPackets(frame(481, 2), 1).length, 2);
  t.same(ddpPackets(frame(10, 1), 1, 13).map((p) => parseDdp(p).length), [12, 12, 6], 'a smaller packet size still splits at whole pixels');
  t.equal(DDP_MAX_DATA, 1440);
  t.same([1, 2, 14, 15].map(nextSeq), [2, 3, 15, 1], 'sequence 1-15, never 0');
});

t.test('a frame over UDP on loopback, across packets, shows on push', async (t) => {
  const wled = new StandInWled(700);
  await wled.start();
  const sink = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl });
  t.equal(await sink.open(), 700, 'LED count from /json/info');
  const px = frame(700, 3);
  sink.write(px);
  await waitFor('the pushed frame', () => wled.pushes === 1);
  t.same(wled.shown, Buffer.from(px));
  t.equal(wled.packets.length, 2, '700 LEDs: two packets');
  sink.write(frame(700, 4));
  await waitFor('the second frame', () => wled.pushes === 2);
  t.same(wled.shown, Buffer.from(frame(700, 4)));
  t.same(wled.problems, []);
  t.match(sink.health(), { state: 'up', counters: { frames: 2, sendErrors: 0 } });
  await sink.close();
  await wled.stop();
});

t.test('keepalive holds realtime mode; after stop WLED times out back to its effect', async (t) => {
  const wled = new StandInWled(30); // WLED's default realtime timeout, 2.5 s: 50 keepalive periods
  await wled.start();
  const sink = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl, keepaliveMs: 50 });
  await sink.open();
  const px = frame(30, 5);
  sink.write(px);
  // No new frames from the board (a static cluster): the sink repeats the last one.
  await waitFor('keepalives', () => sink.health().counters.keepalives >= 5, 10000);
  t.equal(wled.realtimeEnds, 0, 'never fell out of realtime while podlights ran');
  t.same(wled.shown, Buffer.from(px));
  await sink.close();
  // What the sink sent before it closed (a datagram may still be on its way to the stand-in
  // when close() returns, so the stand-in's own count at this moment would race).
  const sent = sink.health().counters.packets;
  await waitFor('the realtime timeout', () => !wled.realtime, 10000);
  t.same(wled.shown, wled.effect(), 'the strip shows its own effect again');
  t.equal(wled.packets.length, sent, 'nothing sent after close: every packet received was sent before it');
  t.same(wled.problems, []);
  await wled.stop();
});

t.test('an unreachable WLED: open says so, the count stays unknown, sends never throw', async (t) => {
  const sink = new WledSink({ host: '127.0.0.1', port: 9, httpUrl: 'http://127.0.0.1:9' });
  t.equal(await sink.open(), undefined);
  t.match(sink.health(), { state: 'down', counters: { infoErrors: 1 } });
  t.match(sink.health().detail, /does not answer/);
  t.doesNotThrow(() => sink.write(frame(3, 1)));
  await sink.close();
  await t.rejects(wledInfo('http://127.0.0.1:9', 500), /does not answer/);
});

t.test('HOST[:PORT]', async (t) => {
  t.same(parseHostPort('wled.local', 4048), { host: 'wled.local', port: 4048 });
  t.same(parseHostPort('10.0.0.7:5000', 4048), { host: '10.0.0.7', port: 5000 });
  t.same(parseHostPort('[fe80::1]:4048', 1), { host: 'fe80::1', port: 4048 });
  t.throws(() => parseHostPort('a:b:c', 4048), /not HOST or HOST:PORT/);
  t.throws(() => parseHostPort('host:70000', 4048), /not HOST or HOST:PORT/);
});

t.test('discovery of _wled._tcp against a real mDNS responder on loopback', async (t) => {
  // The responder: multicast-dns on its own port (loopback has no multicast here), answering
  // like WLED's ESPmDNS. "desk" answers with everything at once; "shelf" only with the PTR, so
  // the SRV and A records take follow-up queries.
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const port = socket.address().port;
  const responder = mdns({ socket, multicast: false, port: 0 } as never);
  const asked: string[] = [];
  responder.on('query', (q, rinfo) => {
    for (const question of q.questions) {
      asked.push(`${question.type} ${question.name}`);
      if (question.name === '_wled._tcp.local' && question.type === 'PTR') {
        responder.respond({
          answers: [
            { name: '_wled._tcp.local', type: 'PTR', data: 'desk._wled._tcp.local' },
            { name: '_wled._tcp.local', type: 'PTR', data: 'shelf._wled._tcp.local' },
          ],
          additionals: [
            { name: 'desk._wled._tcp.local', type: 'SRV', data: { target: 'desk.local', port: 80 } },
            { name: 'desk.local', type: 'A', data: '127.0.0.1' },
          ],
        }, rinfo);
      } else if (question.name === 'shelf._wled._tcp.local' && question.type === 'SRV') {
        responder.respond({ answers: [{ name: 'shelf._wled._tcp.local', type: 'SRV', data: { target: 'shelf.local', port: 8080 } }] }, rinfo);
      } else if (question.name === 'shelf.local' && question.type === 'A') {
        responder.respond({ answers: [{ name: 'shelf.local', type: 'A', data: '127.0.0.2' }] }, rinfo);
      }
    }
  });
  const found = await discoverWled({ timeoutMs: 3000, mdns: { multicast: false, port: 0 } as never, to: { address: '127.0.0.1', port } });
  t.same(found, [
    { name: 'desk', host: 'desk.local', address: '127.0.0.1', port: 80 },
    { name: 'shelf', host: 'shelf.local', address: '127.0.0.2', port: 8080 },
  ]);
  t.same(asked, ['PTR _wled._tcp.local', 'SRV shelf._wled._tcp.local', 'A shelf.local'], 'follow-up queries only for what was missing');
  await new Promise<void>((resolve) => responder.destroy(() => resolve()));
});

t.test('discovery with nobody answering finds nothing and does not throw', async (t) => {
  const found = await discoverWled({ timeoutMs: 200, mdns: { multicast: false, port: 0 } as never, to: { address: '127.0.0.1', port: 9 } });
  t.same(found, []);
});

t.test('ledCount set in the config: no /json/info needed, the strip still driven and up', async (t) => {
  const wled = new StandInWled(5);
  await wled.start();
  const sink = new WledSink({ host: '127.0.0.1', port: wled.ddpPort, httpUrl: 'http://127.0.0.1:9' });
  t.equal(await sink.open(), undefined);
  t.equal(sink.health().state, 'down', 'nothing sent yet and no info: down');
  sink.write(frame(5, 9));
  await waitFor('the frame', () => wled.pushes === 1);
  t.equal(sink.health().state, 'up', 'frames flow: up, the info failure only noted');
  t.match(sink.health().detail, /does not answer/);
  await sink.close();
  await wled.stop();
});
