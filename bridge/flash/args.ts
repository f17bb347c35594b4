// Arguments of `podlights flash` and `podlights provision`: settings flags, then the
// PODLIGHTS_* environment for what the flags leave out (so passwords need not sit in shell
// history). Anything unknown is a one-line error.
import { FlashError } from './errors.ts';
import { checkSettings, SETTING_ENV, SETTING_FLAGS } from './settings.ts';
import type { BoardSettings } from './settings.ts';

export interface FlashArgs {
  positional: string[];
  port?: string;
  settings: BoardSettings;
  verbose: boolean;
  help: boolean;
}

export function parseFlashArgs(args: string[], command: string, env: NodeJS.ProcessEnv = process.env): FlashArgs {
  const out: FlashArgs = { positional: [], settings: {}, verbose: false, help: false };
  const raw: Partial<Record<keyof BoardSettings, string>> = {};
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => {
      const v = value ?? args[++i];
      if (v === undefined || (value === undefined && v.startsWith('--'))) throw new FlashError(`${a} needs a value (podlights ${command} --help)`);
      return v;
    };
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '-v' || a === '--verbose') out.verbose = true;
    else if (a === '--port' || a === '-p') out.port = next();
    else if (a in SETTING_FLAGS) raw[SETTING_FLAGS[a]] = next();
    else if (a.startsWith('-')) throw new FlashError(`unknown flag '${a}' (podlights ${command} --help)`);
    else out.positional.push(a);
  }
  for (const [name, key] of Object.entries(SETTING_ENV)) if (raw[key] === undefined && env[name] !== undefined && env[name] !== '') raw[key] = env[name];
  out.settings = checkSettings(raw);
  return out;
}

export const SETTINGS_HELP = `settings (merged into the board's settings file: those given replace, the others stay; never
written into the build; each also from the environment variable in brackets):
  --board-id ID          the board's name on MQTT and in HELLO (default: the profile name) [PODLIGHTS_BOARD_ID]
  --wifi-ssid SSID       WiFi network [PODLIGHTS_WIFI_SSID]
  --wifi-password PW     WiFi passphrase [PODLIGHTS_WIFI_PASSWORD]
  --mqtt-host HOST       broker address (default localhost) [PODLIGHTS_MQTT_HOST]
  --mqtt-port N          broker port (default 1883) [PODLIGHTS_MQTT_PORT]
  --mqtt-user USER       broker user (default: the board id) [PODLIGHTS_MQTT_USER]
  --mqtt-password PW     broker password (the bridge's --board-password) [PODLIGHTS_MQTT_PASSWORD]
  --topic T              MQTT base topic (default podlights) [PODLIGHTS_TOPIC]`;
