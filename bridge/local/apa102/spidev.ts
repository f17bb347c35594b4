// SpiBus on the spi-device package (an optional dependency with a native addon): mode 0, MSB
// first, the clock speed per transfer. /dev/spidevB.D names bus B, chip select D.
import { createRequire } from 'node:module';
import type { SpiOpener } from './spi.ts';

const require = createRequire(import.meta.url);

interface SpiDevice {
  transferSync(messages: { sendBuffer: Buffer; byteLength: number; speedHz: number }[]): void;
  closeSync(): void;
}
interface Lib {
  MODE0: number;
  openSync(bus: number, device: number, options?: { mode?: number; maxSpeedHz?: number }): SpiDevice;
}

export function spidevPath(path: string): { bus: number; device: number } {
  const m = /^\/dev\/spidev(\d+)\.(\d+)$/.exec(path);
  if (!m) throw new Error(`SPI device '${path}' is not a /dev/spidevB.D path`);
  return { bus: Number(m[1]), device: Number(m[2]) };
}

export function spidevOpener(): SpiOpener {
  let lib: Lib;
  try {
    lib = require('spi-device') as Lib;
  } catch (err) {
    throw new Error(`SPI needs the optional package spi-device (npm install spi-device): ${(err as Error).message.split('\n')[0]}`);
  }
  return (path, speedHz) => {
    const { bus, device } = spidevPath(path);
    const dev = lib.openSync(bus, device, { mode: lib.MODE0, maxSpeedHz: speedHz });
    return {
      transfer: (bytes) => dev.transferSync([{ sendBuffer: Buffer.from(bytes), byteLength: bytes.length, speedHz }]),
      close: () => dev.closeSync(),
    };
  };
}
