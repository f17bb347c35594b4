// Stand-in USB lights for node-hid: each device checks every feature report against its vendor's
// documented format (report ids and sizes, GRB order for BlinkStick data reports, the blink(1)
// 'c'/'n' commands) and keeps the LED colours the report would set. Unplugging makes every
// later call throw, as hidapi does for a device that is gone.
import type { HidBackend, HidHandle } from '../../bridge/local/hid/backend.ts';
import type { HidDeviceInfo } from '../../bridge/local/hid/devices.ts';

export class StandInLight {
  plugged = true;
  /** RGB per LED as the device would show it. */
  leds: number[][];
  reports: number[][] = [];
  problems: string[] = [];
  opens = 0;

  constructor(readonly info: HidDeviceInfo & { path: string; serialNumber: string }, ledCount: number) {
    this.leds = Array.from({ length: ledCount }, () => [0, 0, 0]);
  }

  receive(data: number[]): void {
    if (!this.plugged) throw new Error('could not send feature report to device');
    this.reports.push(data);
    const bad = (why: string) => this.problems.push(`${this.info.serialNumber}: ${why}: [${data.join(',')}]`);
    if (data.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) bad('not bytes');
    if (this.info.vendorId === 0x20a0) this.blinkstick(data, bad);
    else this.blink1(data, bad);
  }

  private blinkstick(data: number[], bad: (why: string) => void): void {
    const sizes: Record<number, number> = { 1: 3, 6: 1 + 8 * 3, 7: 1 + 16 * 3, 8: 1 + 32 * 3, 9: 1 + 64 * 3 };
    const id = data[0];
    if (!(id in sizes)) return bad(`report id ${id} does not set LEDs`);
    if (data.length !== 1 + sizes[id]) return bad(`report ${id} must be ${1 + sizes[id]} bytes`);
    if (id === 1) {
      this.leds[0] = [data[1], data[2], data[3]];
      return;
    }
    if (data[1] !== 0) return bad('channel must be 0 (R) on Square, Strip, Nano and Flex');
    for (let i = 0; i < this.leds.length; i++) {
      if (2 + i * 3 + 2 >= data.length) return bad(`report ${id} cannot reach LED ${i}`);
      // Green, red, blue on the wire.
      this.leds[i] = [data[2 + i * 3 + 1], data[2 + i * 3], data[2 + i * 3 + 2]];
    }
  }

  private blink1(data: number[], bad: (why: string) => void): void {
    if (data.length !== 9 || data[0] !== 1) return bad('blink(1) reports are id 1 and 8 bytes');
    const cmd = String.fromCharCode(data[1]);
    if (cmd !== 'c' && cmd !== 'n') return bad(`command '${cmd}' does not set a colour`);
    const n = data[7];
    if (n > 2) return bad(`LED ${n} does not exist`);
    if (cmd === 'n' && (data[5] !== 0 || data[6] !== 0)) return bad("'n' has no fade time");
    const rgb = [data[2], data[3], data[4]];
    for (let i = 0; i < this.leds.length; i++) if (n === 0 || n === i + 1) this.leds[i] = rgb;
  }
}

export class StandInBus implements HidBackend {
  lights: StandInLight[] = [];
  enumerations = 0;

  add(light: StandInLight): StandInLight {
    this.lights.push(light);
    return light;
  }

  devices(): HidDeviceInfo[] {
    this.enumerations++;
    return this.lights.filter((l) => l.plugged).map((l) => ({ ...l.info }));
  }

  open(path: string): HidHandle {
    const light = this.lights.find((l) => l.plugged && l.info.path === path);
    if (!light) throw new Error(`cannot open device with path ${path}`);
    light.opens++;
    let open = true;
    return {
      sendFeatureReport: (data) => {
        if (!open) throw new Error('device closed');
        light.receive(data);
        return data.length;
      },
      close: () => {
        open = false;
      },
    };
  }
}

let paths = 0;
export function blinkstick(serial: string, release: number, ledCount: number): StandInLight {
  return new StandInLight({ vendorId: 0x20a0, productId: 0x41e5, path: `/dev/hidraw${paths++}`, serialNumber: serial, release }, ledCount);
}
export function blink1(serial: string): StandInLight {
  return new StandInLight({ vendorId: 0x27b8, productId: 0x01ed, path: `/dev/hidraw${paths++}`, serialNumber: serial, release: 3 }, serial[0] === '1' ? 1 : 2);
}
