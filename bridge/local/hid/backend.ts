// The HID calls the sinks make, behind an interface so tests plug in stand-in devices; the real
// backend is node-hid (hidapi, with prebuilt binaries for Linux, macOS and Windows).
import { createRequire } from 'node:module';
import type { HidDeviceInfo } from './devices.ts';

const require = createRequire(import.meta.url);

export interface HidHandle {
  /** data[0] is the report id. Throws when the device is gone. */
  sendFeatureReport(data: number[]): number;
  close(): void;
}

export interface HidBackend {
  devices(): HidDeviceInfo[];
  open(path: string): HidHandle;
}

interface NodeHid {
  devices(): { vendorId: number; productId: number; path?: string; serialNumber?: string; release?: number; product?: string }[];
  HID: new (path: string) => HidHandle;
}

let cached: HidBackend | undefined;

export function nodeHid(): HidBackend {
  if (cached) return cached;
  let lib: NodeHid;
  try {
    lib = require('node-hid') as NodeHid;
  } catch (err) {
    throw new Error(`USB HID needs node-hid: ${(err as Error).message.split('\n')[0]}`);
  }
  cached = {
    devices: () => lib.devices().map((d) => ({ vendorId: d.vendorId, productId: d.productId, path: d.path, serialNumber: d.serialNumber, release: d.release, product: d.product })),
    open: (path) => new lib.HID(path),
  };
  return cached;
}
