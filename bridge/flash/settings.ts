// The per-board settings file (WiFi, broker, credentials, board id): checked here, then written to
// the board by `podlights provision` / `podlights flash` as the HAL reads it: JSON in Espruino's
// Storage, a Lua chunk returning a table on NodeMCU (no JSON module needed there). Never written
// into the repository or a build output; it only crosses the serial line.
import type { BoardSettings } from '../../firmware/targets/baked.ts';
import { SETTINGS_FILE } from '../../firmware/targets/baked.ts';
import { FlashError } from './errors.ts';

export type { BoardSettings };
export { SETTINGS_FILE };

/** Settings options of `podlights flash` and `podlights provision`, with the setting each sets. */
export const SETTING_FLAGS: Record<string, keyof BoardSettings> = {
  '--board-id': 'boardId',
  '--topic': 'topic',
  '--wifi-ssid': 'ssid',
  '--wifi-password': 'password',
  '--mqtt-host': 'mqttHost',
  '--mqtt-port': 'mqttPort',
  '--mqtt-user': 'mqttUser',
  '--mqtt-password': 'mqttPassword',
};

/** Environment variables that fill settings not given as flags (keeps passwords out of shell history). */
export const SETTING_ENV: Record<string, keyof BoardSettings> = {
  PODLIGHTS_BOARD_ID: 'boardId',
  PODLIGHTS_TOPIC: 'topic',
  PODLIGHTS_WIFI_SSID: 'ssid',
  PODLIGHTS_WIFI_PASSWORD: 'password',
  PODLIGHTS_MQTT_HOST: 'mqttHost',
  PODLIGHTS_MQTT_PORT: 'mqttPort',
  PODLIGHTS_MQTT_USER: 'mqttUser',
  PODLIGHTS_MQTT_PASSWORD: 'mqttPassword',
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

/** Checks and normalises raw values (strings from flags or env); throws a FlashError naming the flag. */
export function checkSettings(raw: Partial<Record<keyof BoardSettings, string | number>>): BoardSettings {
  const out: BoardSettings = {};
  const flag = (key: keyof BoardSettings) => Object.keys(SETTING_FLAGS).find((f) => SETTING_FLAGS[f] === key)!;
  for (const key of Object.keys(raw) as (keyof BoardSettings)[]) {
    const v = raw[key];
    if (v === undefined) continue;
    if (key === 'mqttPort') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new FlashError(`${flag(key)}: '${v}' is not a port number (1-65535)`);
      out.mqttPort = n;
      continue;
    }
    const s = String(v);
    if ((key === 'boardId' || key === 'topic') && !NAME.test(s)) {
      throw new FlashError(`${flag(key)}: '${s}' must be 1-32 letters, digits, '.', '_' or '-' (it is part of MQTT topics)`);
    }
    if (key === 'ssid' && (Buffer.byteLength(s) < 1 || Buffer.byteLength(s) > 32)) throw new FlashError(`${flag(key)}: a WiFi SSID has 1 to 32 bytes`);
    if (key === 'password' && s !== '' && (s.length < 8 || Buffer.byteLength(s) > 63)) throw new FlashError(`${flag(key)}: a WPA2 passphrase has 8 to 63 characters (or leave it out for an open network)`);
    if (/[\0\r\n]/.test(s)) throw new FlashError(`${flag(key)}: no line breaks or NUL characters`);
    (out as Record<string, string>)[key] = s;
  }
  return out;
}

/** Espruino: the JSON text of the Storage file (read with require("Storage").readJSON). */
export function espruinoSettingsText(s: BoardSettings): string {
  return JSON.stringify(s);
}

/** A Lua string literal for any bytes: printable ASCII as is, everything else as \ddd. */
export function luaLiteral(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** NodeMCU: a Lua chunk returning the settings table (read with dofile). */
export function nodemcuSettingsText(s: BoardSettings): string {
  const fields = Object.entries(s).map(([k, v]) => `${k}=${typeof v === 'number' ? String(v) : luaLiteral(String(v))}`);
  return `-- podlights board settings (written by podlights provision)\nreturn {${fields.join(',')}}\n`;
}

/** What a settings file says, for printing: passwords masked. */
export function describeSettings(s: BoardSettings): string {
  return Object.entries(s)
    .map(([k, v]) => `${k}=${/password/i.test(k) ? '*'.repeat(Math.min(String(v).length, 8)) : v}`)
    .join(' ');
}
