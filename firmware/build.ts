// `npm run build:firmware [-- --board <profile>]`: writes firmware/dist/espruino/<board>.js and
// firmware/dist/nodemcu/<board>.lua for every profile with a firmware runtime (or the one named),
// with the board profile baked in, and prints each file's size. One build serves every board of a
// profile: WiFi, broker, credentials and board id are not in it, they live in a settings file on
// the board (`podlights provision`, bridge/flash/), so no secret ever reaches a build output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allBoards, getBoard } from '../boards/index.ts';
import type { BoardProfile } from '../boards/index.ts';
import { LAYOUT } from '../protocol/codec/types.ts';
import { buildEspruino } from './targets/espruino/bundle.ts';
import { buildLuaBundle } from './targets/nodemcu/bundle.ts';

/** The `PL` settings a firmware file carries: the board profile only, the same for every board. */
export function baked(board: BoardProfile): Record<string, string | number> {
  return {
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
  };
}

/** True for profiles that get a firmware file (Espruino or NodeMCU), not bridge-driven or virtual ones. */
export function hasFirmware(board: BoardProfile): boolean {
  return board.runtime === 'espruino' || board.runtime === 'lua5.1' || board.runtime === 'lua5.3';
}

function luaValue(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v); // a JSON string of printable text is a valid Lua string literal
}

export const LUA_ENTRY = 'firmware/targets/nodemcu/main.ts';
export const ESPRUINO_ENTRY = 'firmware/targets/espruino/main.ts';

/** The NodeMCU init.lua for a board (minified; budget 24 KB). */
export function buildNodemcu(board: BoardProfile): string {
  const runtime = board.runtime === 'lua5.1' ? '5.1' : '5.3';
  const code = buildLuaBundle(LUA_ENTRY, runtime, board.maxPods);
  const pl = Object.entries(baked(board)).map(([k, v]) => `${k}=${luaValue(v)}`);
  return `PL={${pl.join(',')}}\n${code}`;
}

/**
 * The Espruino file for a board (minified; budget 12 KB). Every `PL.<key>` the HAL reads is a
 * compile-time constant here (esbuild `define`): the values land where they are used, branches
 * for other chips and transports are dropped, and no config object is left in the file.
 */
export async function buildEspruinoBoard(board: BoardProfile): Promise<string> {
  const pl = baked(board);
  const define: Record<string, string> = {};
  for (const [k, v] of Object.entries(pl)) define[`PL.${k}`] = JSON.stringify(v);
  const r = await buildEspruino({ entry: ESPRUINO_ENTRY, define, podLimit: board.maxPods });
  return r.code;
}

const USAGE = 'usage: npm run build:firmware [-- --board <profile>]';

/** Parses build:firmware's arguments; throws a one-line error for anything it does not know. */
export function buildArgs(args: string[]): { board?: string; help: boolean } {
  let board: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-h' || a === '--help') return { help: true };
    if (a === '--board' || a === '--profile') {
      board = args[++i];
      if (board === undefined || board.startsWith('-')) throw new Error(`${a} needs a profile name (${USAGE})`);
      continue;
    }
    if (a === '--config') throw new Error('--config: WiFi and broker settings are no longer built in; write them to the board with `podlights provision` (or `podlights flash`)');
    throw new Error(`unknown ${a.startsWith('-') ? 'flag' : 'argument'} '${a}' (${USAGE})`);
  }
  if (board !== undefined) {
    const profile = getBoard(board); // throws: unknown board profile 'x' (known: ...)
    if (!hasFirmware(profile)) throw new Error(`board profile '${board}' runs ${profile.runtime === 'bridge' ? 'in the bridge' : 'virtually'}: there is no firmware file to build`);
  }
  return { board, help: false };
}

/** The file a profile builds to, and its code. */
export async function buildBoard(board: BoardProfile, root = resolve(import.meta.dirname, 'dist')): Promise<{ file: string; code: string }> {
  if (board.runtime === 'espruino') return { file: join(root, 'espruino', `${board.name}.js`), code: await buildEspruinoBoard(board) };
  return { file: join(root, 'nodemcu', `${board.name}.lua`), code: buildNodemcu(board) };
}

async function main(): Promise<number> {
  let opts: { board?: string; help: boolean };
  try {
    opts = buildArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`build:firmware: ${(e as Error).message}`);
    return 2;
  }
  if (opts.help) {
    console.log(`${USAGE}\n\nBuilds one firmware file per board profile; per-board settings go on the board with \`podlights provision\`.`);
    return 0;
  }
  for (const board of allBoards()) {
    if (opts.board && board.name !== opts.board) continue;
    if (!hasFirmware(board)) {
      console.log(`${board.name.padEnd(28)} (${board.runtime}: no firmware file)`);
      continue;
    }
    const { file, code } = await buildBoard(board);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, code);
    console.log(`${board.name.padEnd(28)} ${String(Buffer.byteLength(code)).padStart(6)} bytes  ${file}`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
