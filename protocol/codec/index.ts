// The portable codec, re-exported for firmware and Lua builds. Node code imports protocol/index.ts.
export * from './types.ts';
export * from './errors.ts';
export * from './layout.ts';
export { crc16Update, crc16String, crc16Bytes, CRC16_INIT } from './crc16.ts';
export { checkFrame, eachMessage, eachPayload, decodeFrame, u16At } from './decoder.ts';
export type { DecodeLimits, FrameInfo, DecodedFrame } from './decoder.ts';
export { writeMessage, messageSize, encodeFrameBytes, bytesToBinaryString } from './encoder.ts';
export type { EncodeResult } from './encoder.ts';
export { cobsEncode, cobsDecode, cobsMaxEncoded, Deframer } from './cobs.ts';
export type { CobsDecoded, DeframerStats, FrameSink, ErrorSink } from './cobs.ts';
