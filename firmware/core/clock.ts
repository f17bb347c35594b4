// Whole milliseconds for the core from a free-running hardware counter that wraps: tmr.now() on
// the ESP8266 counts microseconds in 31 bits and wraps every 35.8 minutes; node.uptime() on the
// ESP32 does the same with integer-only Lua. Each reading adds the ticks since the last one
// (one wrap between readings is allowed: the HAL reads every 20 ms), so the clock runs on
// across wraps. The sum is kept as a float (`/ 1`: in Lua 5.3 `/` always gives a float), so it
// also runs past 2^31 ms (24.8 days), where a 32-bit Lua integer (fengari, NodeMCU builds) would
// wrap to negative and the core's time differences and animation phases would go wrong; a double
// counts whole milliseconds exactly for 285,000 years. Portable subset.

export class Clock {
  /** Milliseconds since the first reading (a float in Lua 5.3). */
  private ms: number;
  /** Ticks beyond the last whole millisecond (below perMs). */
  private left: number;
  private last: number;
  private wrap: number;
  private perMs: number;

  /** `wrap`: the counter's modulus (2^31 for tmr.now()); `perMs`: ticks per millisecond (1000 for µs). */
  constructor(wrap: number, perMs: number, raw: number) {
    this.wrap = wrap;
    this.perMs = perMs;
    this.last = raw;
    this.left = 0;
    this.ms = 0 / 1;
  }

  /** The time in whole milliseconds for a counter reading. */
  read(raw: number): number {
    let d = raw - this.last;
    if (d < 0) d = d + this.wrap;
    this.last = raw;
    let whole = Math.floor(d / this.perMs);
    this.left = this.left + (d - whole * this.perMs);
    if (this.left >= this.perMs) {
      this.left = this.left - this.perMs;
      whole = whole + 1;
    }
    this.ms = this.ms + whole / 1;
    return Math.floor(this.ms);
  }
}
