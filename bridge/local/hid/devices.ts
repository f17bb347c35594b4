// Which USB HID lights podlights knows, told apart by vendor/product id, serial number and the
// device release number, as the vendors' own libraries do (blinkstick-python's get_variant,
// blink1-lib's serial-number convention).

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  /** bcdDevice. */
  release?: number;
  product?: string;
}

export const BLINKSTICK = { vendorId: 0x20a0, productId: 0x41e5 } as const;
export const BLINK1 = { vendorId: 0x27b8, productId: 0x01ed } as const;

export type HidKind = 'blinkstick' | 'blink1';

export interface HidLight {
  kind: HidKind;
  /** 'blinkstick-square', 'blinkstick-nano', 'blink1-mk3', ... */
  model: string;
  ledCount: number;
  serial: string;
  path?: string;
}

/** BlinkStick v3 devices tell their model by bcdDevice. */
const BLINKSTICK_V3: Record<number, { model: string; ledCount: number }> = {
  0x200: { model: 'blinkstick-square', ledCount: 8 },
  0x201: { model: 'blinkstick-strip', ledCount: 8 },
  0x202: { model: 'blinkstick-nano', ledCount: 2 },
  0x203: { model: 'blinkstick-flex', ledCount: 32 },
};

/** What a HID device is, or undefined when it is not a light podlights drives. */
export function identify(d: HidDeviceInfo): HidLight | undefined {
  const serial = d.serialNumber ?? '';
  if (d.vendorId === BLINKSTICK.vendorId && d.productId === BLINKSTICK.productId) {
    // Serial "BS012345-3.1": the digit after the dash is the hardware generation.
    const major = serial.length >= 3 ? serial[serial.length - 3] : '';
    if (major === '1') return { kind: 'blinkstick', model: 'blinkstick', ledCount: 1, serial, path: d.path };
    if (major === '2') return { kind: 'blinkstick', model: 'blinkstick-pro', ledCount: 8, serial, path: d.path };
    const v3 = BLINKSTICK_V3[d.release ?? -1];
    if (v3) return { kind: 'blinkstick', ...v3, serial, path: d.path };
    return { kind: 'blinkstick', model: 'blinkstick-unknown', ledCount: 8, serial, path: d.path };
  }
  if (d.vendorId === BLINK1.vendorId && d.productId === BLINK1.productId) {
    // blink(1) serials are 8 hex digits; the first is the generation (1: mk1, 2: mk2, 3: mk3).
    const gen = serial[0];
    if (gen === '1') return { kind: 'blink1', model: 'blink1-mk1', ledCount: 1, serial, path: d.path };
    return { kind: 'blink1', model: gen === '3' ? 'blink1-mk3' : 'blink1-mk2', ledCount: 2, serial, path: d.path };
  }
  return undefined;
}
