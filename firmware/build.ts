// `npm run build:firmware [-- --config podlights.local.json] [--board name]`: writes
// firmware/dist/espruino/<board>.js and firmware/dist/nodemcu/<board>.lua for every profile with a
// firmware runtime, with the board's settings baked in, and prints each file's size.
// WiFi and broker credentials come from the config file or the environment (PODLIGHTS_WIFI_SSID,
// PODLIGHTS_WIFI_PASSWORD, PODLIGHTS_MQTT_HOST, PODLIGHTS_MQTT_PORT, PODLIGHTS_MQTT_USER,
// PODLIGHTS_MQTT_PASSWORD, PODLIGHTS_TOPIC) at flash time; they are never committed
// (podlights.local.json and firmware/secrets*.json are gitignored).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allBoards } from '../boards/index.ts';
import type { BoardProfile } from '../boards/index.ts';
import { LAYOUT } from '../protocol/codec/types.ts';
import { buildEspruino } from './targets/espruino/bundle.ts';
import { buildLuaBundle } from './targets/nodemcu/bundle.ts';

export interface FlashConfig {
  ssid: string;
  password: string;
  mqttHost: string;
  mqttPort: number;
  mqttUser: string;
  mqttPassword: string;
  /** MQTT base topic (default podlights). */
  topic: string;
  /** Board id per profile (default: the profile name). */
  boardIds?: Record<string, string>;
}

export function flashConfig(file?: string, env: NodeJS.ProcessEnv = process.env): FlashConfig {
  const fromFile = file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (file && !existsSync(file)) throw new Error(`config file ${file} not found`);
  return {
    ssid: fromFile.ssid ?? env.PODLIGHTS_WIFI_SSID ?? '',
    password: fromFile.password ?? env.PODLIGHTS_WIFI_PASSWORD ?? '',
    mqttHost: fromFile.mqttHost ?? env.PODLIGHTS_MQTT_HOST ?? 'localhost',
    mqttPort: Number(fromFile.mqttPort ?? env.PODLIGHTS_MQTT_PORT ?? 1883),
    mqttUser: fromFile.mqttUser ?? env.PODLIGHTS_MQTT_USER ?? '',
    mqttPassword: fromFile.mqttPassword ?? env.PODLIGHTS_MQTT_PASSWORD ?? '',
    topic: fromFile.topic ?? env.PODLIGHTS_TOPIC ?? 'podlights',
    boardIds: fromFile.boardIds,
  };
}

/** The `PL` object a firmware file starts with: profile settings plus flash-time config. */
export function baked(board: BoardProfile, config: FlashConfig): Record<string, string | number> {
  const boardId = config.boardIds?.[board.name] ?? board.name;
  return {
    boardId,
    profile: board.name,
    chip: board.runtime === 'espruino' ? board.chip : (board.mcu ?? 'esp8266'),
    ledCount: board.ledCount,
    colorOrder: board.colorOrder,
    pin: board.pins.data ?? 0,
    clockPin: board.pins.clock ?? 0,
    transport: board.transport,
    brightness: board.brightness ?? 96,
    layout: LAYOUT[board.layout.toUpperCase() as keyof typeof LAYOUT],
    currentCap: board.currentCap,
    maPerChannel: board.maPerChannel ?? 20,
    fps: board.fps,
    maxFrame: board.maxFrame ?? 1024,
    topic: config.topic,
    ssid: config.ssid,
    password: config.password,
    mqttHost: config.mqttHost,
    mqttPort: config.mqttPort,
    // The embedded broker knows a board by username = its board id; anonymous brokers ignore it.
    mqttUser: config.mqttUser !== '' ? config.mqttUser : boardId,
    mqttPassword: config.mqttPassword,
  };
}

function luaValue(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v); // a JSON string of printable text is a valid Lua string literal
}

export const LUA_ENTRY = 'firmware/targets/nodemcu/main.ts';
export const ESPRUINO_ENTRY = 'firmware/targets/espruino/main.ts';

/** The NodeMCU init.lua for a board (minified; budget 24 KB). */
export function buildNodemcu(board: BoardProfile, config: FlashConfig): string {
  const runtime = board.runtime === 'lua5.1' ? '5.1' : '5.3';
  const code = buildLuaBundle(LUA_ENTRY, runtime);
  const pl = Object.entries(baked(board, config)).map(([k, v]) => `${k}=${luaValue(v)}`);
  return `PL={${pl.join(',')}}\n${code}`;
}

/**
 * The Espruino file for a board (minified; budget 12 KB). Every `PL.<key>` the HAL reads is a
 * compile-time constant here (esbuild `define`): the values land where they are used, branches
 * for other chips and transports are dropped, and no config object is left in the file.
 */
export async function buildEspruinoBoard(board: BoardProfile, config: FlashConfig): Promise<string> {
  const pl = baked(board, config);
  const define: Record<string, string> = {};
  for (const [k, v] of Object.entries(pl)) define[`PL.${k}`] = JSON.stringify(v);
  const r = await buildEspruino({ entry: ESPRUINO_ENTRY, define });
  return r.code;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const config = flashConfig(opt('--config') ?? (existsSync('podlights.local.json') ? 'podlights.local.json' : undefined));
  const only = opt('--board');
  const root = resolve(import.meta.dirname, 'dist');
  for (const board of allBoards()) {
    if (only && board.name !== only) continue;
    let file: string;
    let code: string;
    if (board.runtime === 'espruino') {
      file = join(root, 'espruino', `${board.name}.js`);
      code = await buildEspruinoBoard(board, config);
    } else if (board.runtime === 'lua5.1' || board.runtime === 'lua5.3') {
      file = join(root, 'nodemcu', `${board.name}.lua`);
      code = buildNodemcu(board, config);
    } else {
      console.log(`${board.name.padEnd(28)} (${board.runtime}: no firmware file)`);
      continue;
    }
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, code);
    console.log(`${board.name.padEnd(28)} ${String(Buffer.byteLength(code)).padStart(6)} bytes  ${file}`);
  }
  if (!config.ssid) console.log('note: no WiFi credentials given (--config podlights.local.json or PODLIGHTS_WIFI_SSID); MQTT boards will not connect');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
