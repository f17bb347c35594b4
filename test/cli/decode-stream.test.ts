// `podlights decode` reads a retained snapshot payload (COBS-framed frames back to back) as well
// as single frames: what `mosquitto_sub -t podlights/desk-1/snapshot -F %x` prints.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { MSG, encodeSnapshot, streamFrame } from '../../protocol/index.ts';

const cli = (args: string[]) => spawnSync(process.execPath, ['bin/podlights.js', 'decode', ...args], { encoding: 'utf8', timeout: 30_000 });

t.test('a retained snapshot spanning several frames decodes frame by frame', async (t) => {
  const pods = Array.from({ length: 80 }, (_, i) => ({ type: MSG.POD_ADD, pod: i, lane: 0, group: 0, state: 2 }) as const);
  const frames = encodeSnapshot(pods, { snapshot: 7, seq: 100, maxFrame: 300 });
  t.ok(frames.length > 1, `${frames.length} frames`);
  const hex = Buffer.concat(frames.map((f) => streamFrame(f))).toString('hex');
  const r = cli([hex]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, frames.length, 'one line per frame');
  t.same(lines.map((l) => l.seq), frames.map((_, i) => 100 + i), 'consecutive seq');
  t.equal(lines[0].messages[0].type, 'SNAPSHOT_BEGIN');
  t.equal(lines[lines.length - 1].messages.at(-1).type, 'SNAPSHOT_END');
  const podAdds = lines.flatMap((l) => l.messages).filter((m: { type: string }) => m.type === 'POD_ADD');
  t.equal(podAdds.length, 80);
});

t.test('a broken block in a stream is reported with its block number; the rest still decodes', async (t) => {
  const frames = encodeSnapshot([{ type: MSG.HEARTBEAT, timeoutMs: 15000 }], { snapshot: 1, seq: 5, maxFrame: 1024 });
  const good = Buffer.from(streamFrame(frames[0]));
  const bad = Buffer.from([0x09, 0x01, 0x02, 0x00]); // a COBS code that runs past the block
  const r = cli([Buffer.concat([bad, good]).toString('hex')]);
  t.equal(r.status, 1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  t.match(lines[0], { block: 0, ok: false, code: 'bad-cobs' });
  t.match(lines[1], { block: 1, ok: true, seq: 5 });
});
