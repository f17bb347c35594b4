// The feature reports that set the LEDs, per the vendors' documents.
//
// BlinkStick (blinkstick-python set_color/set_led_data): report 1 = [1, R, G, B] sets the single
// LED of the original BlinkStick; reports 6, 7, 8, 9 = [id, channel, G, R, B, ...] set the first
// 8, 16, 32, 64 LEDs of a channel at once (GRB order, padded with zeros).
//
// blink(1) (blink1 HID commands, report id 1, 8 bytes after the id):
//   fade to RGB  { 1, 'c', r, g, b, th, tl, n }   th:tl = fade time in 10 ms, n = LED (0 = all)
//   set RGB now  { 1, 'n', r, g, b, 0, 0, n }
// mk2 and mk3 have two LEDs (n = 1 top, 2 bottom); mk1 has one and ignores n.
import type { HidLight } from './devices.ts';

/** BlinkStick LED-data report ids and how many LEDs each carries. */
export const BLINKSTICK_DATA_REPORTS: readonly (readonly [number, number])[] = [
  [6, 8],
  [7, 16],
  [8, 32],
  [9, 64],
];

export const BLINK1_REPORT_SIZE = 9;

export function blinkstickReports(light: HidLight, pixels: Uint8Array): number[][] {
  if (light.ledCount === 1) return [[1, pixels[0] ?? 0, pixels[1] ?? 0, pixels[2] ?? 0]];
  const n = Math.min(light.ledCount, Math.floor(pixels.length / 3));
  const fit = BLINKSTICK_DATA_REPORTS.find(([, leds]) => leds >= n) ?? BLINKSTICK_DATA_REPORTS[BLINKSTICK_DATA_REPORTS.length - 1];
  const [id, leds] = fit;
  const report = [id, 0];
  for (let i = 0; i < leds; i++) {
    const on = i < n;
    report.push(on ? pixels[i * 3 + 1] : 0, on ? pixels[i * 3] : 0, on ? pixels[i * 3 + 2] : 0);
  }
  return [report];
}

export function blink1Reports(light: HidLight, pixels: Uint8Array): number[][] {
  const rgb = (i: number) => [pixels[i * 3] ?? 0, pixels[i * 3 + 1] ?? 0, pixels[i * 3 + 2] ?? 0];
  const [r0, g0, b0] = rgb(0);
  if (light.ledCount === 1) return [[1, 0x6e, r0, g0, b0, 0, 0, 0, 0]];
  const [r1, g1, b1] = rgb(1);
  // Both LEDs alike (the usual case): one 'set now' for all of them.
  if (r0 === r1 && g0 === g1 && b0 === b1) return [[1, 0x6e, r0, g0, b0, 0, 0, 0, 0]];
  // Different: 'fade' with a zero fade time addresses each LED.
  return [
    [1, 0x63, r0, g0, b0, 0, 0, 1, 0],
    [1, 0x63, r1, g1, b1, 0, 0, 2, 0],
  ];
}

export function reportsFor(light: HidLight, pixels: Uint8Array): number[][] {
  return light.kind === 'blinkstick' ? blinkstickReports(light, pixels) : blink1Reports(light, pixels);
}
