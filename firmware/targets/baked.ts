// What firmware/build.ts bakes into every firmware file as the global PL: the board profile's
// settings plus the flash-time config. Each target adds what its hardware needs (pins, chip).

// `declare`: the Lua minifier keeps ambient names, and these are read from the PL table by name.
export declare interface BakedSettings {
  boardId: string;
  profile: string;
  ledCount: number;
  /** Three letters, e.g. 'GRB': the byte order the LED chip wants. */
  colorOrder: string;
  /** 'mqtt' | 'serial' */
  transport: string;
  brightness: number;
  layout: number;
  currentCap: number;
  maPerChannel: number;
  fps: number;
  maxFrame: number;
  /** MQTT base topic. */
  topic: string;
  ssid: string;
  password: string;
  mqttHost: string;
  mqttPort: number;
  mqttUser: string;
  mqttPassword: string;
}
