// protocol v1 for Node: the portable codec plus Uint8Array encoding, frame splitting, stream
// framing and the named object form. The firmware imports protocol/codec/ directly.
export * from './codec/index.ts';
export { EncodeError, encodeFrame, packFrames, encodeSnapshot, planSnapshot, planFrames, streamFrame } from './encode.ts';
export type { PackOptions, SnapshotOptions, SnapshotPlan } from './encode.ts';
export { decode, toBinaryString, fromBinaryString, StreamDecoder } from './decode.ts';
export type { StreamDecoderOptions } from './decode.ts';
export { toNamed, fromNamed, messageTypeName } from './names.ts';
export type { NamedMessage } from './names.ts';
