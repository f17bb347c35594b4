// CRC-16/CCITT-FALSE (also catalogued as CRC-16/IBM-3740): poly 0x1021, init 0xFFFF, no
// reflection, no final xor; check value 0x29B1 for "123456789". Chosen because it is the
// CRC most microcontroller libraries already carry and it needs no 512-byte table: the
// byte-at-a-time form below uses shifts and xors only.
// Portable subset; the only bit operations of the decoder live here and in nothing else, so
// each runtime gets them natively (JS, Lua 5.3) or through the `bit` module (Lua 5.1, where
// typescript-to-lua's JIT target emits bit.* calls).

export const CRC16_INIT = 0xffff;

// Right shifts are written as divisions: typescript-to-lua turns `>>>` into `(x & 0xFFFFFFFF) >> n`
// for Lua 5.3, and that constant has no integer representation where Lua integers are 32 bits
// (fengari, and NodeMCU builds configured that way). Every intermediate here stays below 2^24.
export function crc16Update(crc: number, byte: number): number {
  let x = (Math.floor(crc / 256) ^ byte) & 0xff;
  x = x ^ Math.floor(x / 16);
  return ((crc << 8) ^ (x << 12) ^ (x << 5) ^ x) & 0xffff;
}

/** CRC of `data` (a binary string, one byte per char) from `start` up to but excluding `end`. */
export function crc16String(data: string, start: number, end: number): number {
  let crc = CRC16_INIT;
  for (let i = start; i < end; i++) {
    crc = crc16Update(crc, data.charCodeAt(i));
  }
  return crc;
}

/** CRC of bytes held in an array of numbers, `start` up to but excluding `end`. */
export function crc16Bytes(bytes: number[], start: number, end: number): number {
  let crc = CRC16_INIT;
  for (let i = start; i < end; i++) {
    crc = crc16Update(crc, bytes[i]);
  }
  return crc;
}
