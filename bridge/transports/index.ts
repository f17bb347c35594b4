// Transports carry frames from the link layer to boards; see README.md and types.ts.
export type { Transport, TransportEvents, TransportHealth, TransportState } from './types.ts';
export * from './mqtt/index.ts';
export * from './serial/index.ts';
