// What firmware/build.ts bakes into every firmware file as the global PL: the board profile's
// settings, the same for every board of the profile. Each target adds what its hardware needs
// (pins, chip). What differs per board (WiFi, broker, credentials, board id) is not baked: it
// lives in a settings file on the board (BoardSettings), written by `podlights provision`, so
// one build serves every board and no secret ever reaches a build output.

// `declare`: the Lua minifier keeps ambient names, and these are read from the PL table by name.
export declare interface BakedSettings {
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
}

/**
 * The settings file on a board (Espruino: Storage file SETTINGS_FILE.espruino, JSON; NodeMCU: file
 * SETTINGS_FILE.nodemcu, a Lua chunk returning a table). Every field may be missing: the HAL
 * falls back to board id = profile name, topic `podlights`, port 1883, MQTT user = board id.
 */
export declare interface BoardSettings {
  boardId?: string;
  /** MQTT base topic. */
  topic?: string;
  ssid?: string;
  password?: string;
  mqttHost?: string;
  mqttPort?: number;
  mqttUser?: string;
  mqttPassword?: string;
}

/** File names of the settings file, per runtime (kept in step with the HAL sources). */
export const SETTINGS_FILE = { espruino: 'podlights.json', nodemcu: 'podlights.cfg' } as const;
