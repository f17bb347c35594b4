// The USB serial side: one transport per port, and its bounded write queue.
export { SerialTransport } from './transport.ts';
export type { SerialTransportOptions } from './transport.ts';
export { WriteQueue } from './write-queue.ts';
export type { WriteQueueOptions, WriteQueueStats } from './write-queue.ts';
