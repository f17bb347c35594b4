// `podlights bridge --wled HOST[:PORT] --blinkstick [SERIAL] --blinkt`: one local board per flag,
// each with the board defaults (so it shows all the selected pods), added to the configured ones.
import { hostname } from 'node:os';
import { ConfigError } from '../config/load.ts';
import type { BoardSettings, BoardViewSettings } from '../config/load.ts';
import { BLINKT } from './outputs.ts';
import type { LocalBoardSettings, OutputConfig } from './outputs.ts';
import { parseHostPort } from './wled/sink.ts';

export interface LocalFlags {
  wled?: string[];
  /** '' (the flag alone): every USB light; otherwise a serial number. */
  blinkstick?: string[];
  blinkt?: boolean;
  /** Boards given whole, with their outputs (programmatic use: the demo's API, tests). */
  boards?: { id: string; ledCount?: number; outputs: OutputConfig[] }[];
}

/** parseArgs cannot take an optional value: a bare `--blinkstick` becomes `--blinkstick=`. */
export function normalizeOptionalFlags(args: string[]): string[] {
  return args.map((a, i) => (a === '--blinkstick' && (i + 1 >= args.length || args[i + 1].startsWith('-')) ? '--blinkstick=' : a));
}

const idPart = (s: string) => s.toLowerCase().replace(/[^a-z0-9_-]/g, '-');

/** The boards the flags ask for, and whether every USB light should be a board. */
export function localFlagBoards(flags: LocalFlags, defaults: BoardViewSettings, nodeName?: string): { boards: LocalBoardSettings[]; usbLights: boolean } {
  const boards: LocalBoardSettings[] = [];
  const base = (id: string): BoardSettings => ({ ...defaults, id: id.slice(0, 64) });
  for (const w of flags.wled ?? []) {
    let target: { host: string; port: number };
    try {
      target = parseHostPort(w, 4048);
    } catch (err) {
      throw new ConfigError(`--wled: ${(err as Error).message}`);
    }
    const { host, port } = target;
    boards.push({ ...base(`wled-${idPart(host)}`), outputs: [{ type: 'wled', host, port }] });
  }
  const serials = (flags.blinkstick ?? []).filter((s) => s !== '');
  for (const serial of serials) boards.push({ ...base(`usb-${idPart(serial)}`), outputs: [{ type: 'usb', serial }] });
  if (flags.blinkt) {
    // One Blinkt per Pi: the node's name keeps the board ids apart in a DaemonSet.
    boards.push({ ...base(`blinkt-${idPart(nodeName ?? hostname())}`), brightness: BLINKT.brightness, ledCount: BLINKT.ledCount, profile: BLINKT.profile, outputs: [{ type: 'blinkt' }] });
  }
  for (const b of flags.boards ?? []) boards.push({ ...base(b.id), ledCount: b.ledCount, outputs: b.outputs });
  return { boards, usbLights: (flags.blinkstick ?? []).some((s) => s === '') };
}

/** Adds the flags' boards to a loaded config (after validation: they are valid by construction). */
export function addLocalFlags(config: { boards: BoardSettings[]; boardDefaults: BoardViewSettings; nodeName?: string; usbLights?: boolean }, flags: LocalFlags): void {
  const { boards, usbLights } = localFlagBoards(flags, config.boardDefaults, config.nodeName);
  for (const b of boards) {
    if (config.boards.some((c) => c.id === b.id)) throw new ConfigError(`invalid configuration: board '${b.id}' from the command line is also in the config`);
    config.boards.push(b);
  }
  if (usbLights) config.usbLights = true;
}
