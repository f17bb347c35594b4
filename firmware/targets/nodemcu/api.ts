// Types of the NodeMCU Lua API objects the firmware uses (ESP8266 3.0 and ESP32 dev-esp32), for
// typescript-to-lua. The global modules themselves (ws2812, tmr, mqtt, wifi, uart) are declared in
// main.ts, where they are used, so they compile to plain global reads. Everything here is ambient,
// so the minifier never renames a name that appears in it (see names.ts): option tables handed
// to C (ssid, pwd, pin, data) must be typed with these interfaces.
import type { BakedSettings } from '../baked.ts';

export declare interface LedBuffer {
  /** 1-based index; bytes in the strip's own order. */
  set(this: LedBuffer, index: number, a: number, b: number, c: number): void;
  fill(this: LedBuffer, a: number, b: number, c: number): void;
}

export declare interface Ws2812WriteOptions {
  pin: number;
  data: LedBuffer;
}

export declare interface Timer {
  alarm(this: Timer, ms: number, mode: number, cb: (this: void, t: Timer) => void): boolean;
}

export declare interface MqttClient {
  on(this: MqttClient, event: string, cb: (this: void, client: MqttClient, topic: string, data: string) => void): void;
  connect(
    this: MqttClient,
    host: string,
    port: number,
    secure: boolean | number,
    onConnect: (this: void, client: MqttClient) => void,
    onFail: (this: void, client: MqttClient, reason: number) => void,
  ): void;
  /** One topic a call: the ESP32 client has no table form. */
  subscribe(this: MqttClient, topic: string, qos: number, cb: (this: void, client: MqttClient) => void): void;
  publish(this: MqttClient, topic: string, payload: string, qos: number, retain: number): void;
  /** The last will, set before connect(): `client:lwt(topic, message[, qos[, retain]])`. */
  lwt(this: MqttClient, topic: string, message: string, qos: number, retain: number): void;
}

export declare interface StationConfig {
  ssid: string;
  pwd: string;
  /** ESP8266 only. */
  auto?: boolean;
  /** ESP8266 only (ESP32: the second argument of config). */
  save?: boolean;
}

/** What firmware/build.ts bakes into the file as the global PL (board profile + flash-time config). */
export declare interface BakedConfig extends BakedSettings {
  /** 'esp8266' | 'esp32' */
  chip: string;
  /** Data pin (ESP32; the ESP8266 driver always uses GPIO2). */
  pin: number;
}
