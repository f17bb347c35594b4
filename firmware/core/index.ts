// firmware/core: what every runtime's HAL builds on. Portable subset.
export { Core, CAPS, RESYNC_MS, BAD_RUN } from './core.ts';
export type { CoreStats, Send } from './core.ts';
export type { Strip } from './output.ts';
export { Model, GONE, GONE_MS, MAX_PODS } from './model.ts';
export { FIRMWARE_VERSION } from './settings.ts';
export type { Settings } from './settings.ts';
