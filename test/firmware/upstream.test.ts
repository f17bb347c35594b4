// The board's own HELLO/RESYNC writer (firmware/core/upstream.ts) produces exactly the bytes of
// the codec's general encoder, and the core sends them when the sequence rules say so.
import t from 'tap';
import { bytesToBinaryString, decodeFrame, encodeFrameBytes, FLAG, MSG, RESYNC_REASON } from '../../protocol/codec/index.ts';
import { helloFrame, resyncFrame } from '../../firmware/core/upstream.ts';
import { FIRMWARE_VERSION } from '../../firmware/core/settings.ts';

const enc = (seq: number, m: Parameters<typeof encodeFrameBytes>[0]['messages'][0]) =>
  bytesToBinaryString(encodeFrameBytes({ flags: FLAG.UPSTREAM, seq, messages: [m] }).bytes);

t.test('HELLO equals encodeFrameBytes', async (t) => {
  for (const [seq, leds, id] of [[0, 60, 'esp32-a'], [65535, 1024, 'x'.repeat(40)], [7, 8, '']] as const) {
    const want = enc(seq, { type: MSG.HELLO, protoMin: 1, protoMax: 1, ledCount: leds, maxFrame: 1024, caps: 0x3f, boardId: id, profile: 'virtual-60', firmware: FIRMWARE_VERSION });
    t.equal(helloFrame(seq, leds, 1024, 0x3f, id, 'virtual-60', FIRMWARE_VERSION), want, `seq ${seq}`);
  }
});

t.test('RESYNC equals encodeFrameBytes and decodes', async (t) => {
  for (const reason of Object.values(RESYNC_REASON)) {
    const f = resyncFrame(300, 65535, reason);
    t.equal(f, enc(300, { type: MSG.RESYNC, lastSeq: 65535, reason }));
    const d = decodeFrame(f);
    t.ok(d.ok && d.messages[0].type === MSG.RESYNC, 'decodes');
  }
});
