// What the Espruino builds put in place of protocol/codec/crc16.ts' crc16String (inline.ts,
// crcSource): the same CRC, a byte at a time through a table of the 256 byte steps (crc16Update's
// step, written with shifts: this file is Espruino's alone), built once at start (512 bytes), with
// no call per byte. test/firmware/codec-builds.test.ts runs the vectors on the Espruino build. Espruino interprets the source as
// it goes, and a call per byte was most of a snapshot's CRC time (about 15 us a byte on a PC,
// 23 ms for a 200-pod snapshot). Lua keeps the table-free form (a 256-entry table is kilobytes
// of heap there). The statements after the function are added to the end of crc16.ts.
export function crc16String(data: string, start: number, end: number): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC_STEP[((crc >> 8) ^ data.charCodeAt(i)) & 255]) & 0xffff;
  return crc;
}

/** The CRC step of each byte value: crc16Update(crc, b) is (crc << 8 ^ CRC_STEP[(crc >> 8 ^ b) & 255]) & 0xffff. */
const CRC_STEP = new Uint16Array(256);
for (let b = 0; b < 256; b++) {
  const x = b ^ (b >> 4);
  CRC_STEP[b] = ((x << 12) ^ (x << 5) ^ x) & 0xffff;
}
