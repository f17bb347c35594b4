// The one interface between a local board (the firmware core run inside the bridge) and the
// lights it drives: a Blinkt on GPIO, an APA102 strip on SPI, a BlinkStick or blink(1) on USB,
// a WLED controller over UDP. A sink only moves bytes; brightness, the current cap and
// animations were already applied by the firmware core, exactly as on a board.

export type SinkState = 'up' | 'down' | 'stopped';

export interface SinkHealth {
  name: string;
  state: SinkState;
  /** One line a person can read: the device, its serial, the last error. */
  detail: string;
  /** Frames written, frames dropped, devices vanished... never silently lost. */
  counters: Record<string, number>;
}

export interface PixelSink {
  /** 'blinkt', 'apa102-spi:/dev/spidev0.0', 'blinkstick:BS012345-3.1', 'wled:10.0.0.7'. */
  readonly name: string;
  /**
   * Opens the device. Resolves with the LED count the device itself knows (WLED's info, a
   * BlinkStick's model) or undefined. A device that is not there yet is not an error: the sink
   * counts it, says so in health() and keeps trying; it rejects only for bad settings.
   */
  open(): Promise<number | undefined>;
  /**
   * One frame: RGB, 3 bytes per LED, after brightness and the current cap. Never throws; a
   * device that went away is counted and retried. The sink may keep the array only until the
   * call returns.
   */
  write(pixels: Uint8Array): void;
  /** Releases the device (lines, ports, sockets, timers). Safe to call twice. */
  close(): Promise<void>;
  health(): SinkHealth;
}

/** A counter bag with fixed names, so health() always shows every counter, zeros included. */
export function counters<K extends string>(names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((k) => [k, 0])) as Record<K, number>;
}
