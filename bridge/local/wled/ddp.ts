// DDP (Distributed Display Protocol, 3waylabs) as WLED receives it on UDP port 4048: a 10-byte
// header, then pixel data. Header: flags (version 1 = 0x40, PUSH = 0x01 on the last packet of a
// frame), a sequence number 1-15 in the low nibble, the data type (0x0B: RGB, 8 bits a channel),
// the destination id (1: the default output), the byte offset of this packet's data in the frame
// (32-bit big endian) and the data length (16-bit big endian). A frame larger than one packet is
// split at whole pixels, 480 RGB LEDs (1440 bytes) a packet, as WLED's own sender does.

export const DDP_PORT = 4048;
export const DDP_HEADER = 10;
export const DDP_VERSION_1 = 0x40;
export const DDP_PUSH = 0x01;
export const DDP_TYPE_RGB24 = 0x0b;
export const DDP_ID_DISPLAY = 1;
/** Data bytes in one packet: 480 RGB pixels, within an Ethernet MTU. */
export const DDP_MAX_DATA = 1440;

/** The packets of one frame; `seq` is 1-15 (0 means "no sequence" in DDP, so it is skipped). */
export function ddpPackets(pixels: Uint8Array, seq: number, maxData = DDP_MAX_DATA): Buffer[] {
  const per = maxData - (maxData % 3);
  const out: Buffer[] = [];
  for (let offset = 0; offset < pixels.length || offset === 0; offset += per) {
    const len = Math.min(per, pixels.length - offset);
    const last = offset + len >= pixels.length;
    const p = Buffer.alloc(DDP_HEADER + len);
    p[0] = DDP_VERSION_1 | (last ? DDP_PUSH : 0);
    p[1] = seq & 0x0f;
    p[2] = DDP_TYPE_RGB24;
    p[3] = DDP_ID_DISPLAY;
    p.writeUInt32BE(offset, 4);
    p.writeUInt16BE(len, 8);
    p.set(pixels.subarray(offset, offset + len), DDP_HEADER);
    out.push(p);
    if (last) break;
  }
  return out;
}

/** The next sequence number: 1..15, wrapping past 0. */
export function nextSeq(seq: number): number {
  return (seq % 15) + 1;
}
