// `podlights bridge --wled HOST[:PORT] --blinkstick [SERIAL] --blinkt`: one local board per flag,
// each with the board defaults (so it shows all the selected pods), added to the configured ones.
import { hostname } from 'node:os';
import type { BoardSettings, BoardViewSettings } from '../config/load.ts';
import { BLINKT } from './outputs.ts';
import type { LocalBoardSettings } from './outputs.ts';
import { parseHostPort } from './wled/sink.ts';

export interface LocalFlags {
  wled?: string[];
  /** '' (the flag alone): every USB light; otherwise a serial number. */
  blinkstick?: string[];
  blinkt?: boolean;
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
    const { host, port } = parseHostPort(w, 4048);
    boards.push({ ...base(`wled-${idPart(host)}`), outputs: [{ type: 'wled', host, port }] });
  }
  const serials = (flags.blinkstick ?? []).filter((s) => s !== '');
  for (const serial of serials) boards.push({ ...base(`usb-${idPart(serial)}`), outputs: [{ type: 'usb', serial }] });
  if (flags.blinkt) {
    // One Blinkt per Pi: the node's name keeps the board ids apart in a DaemonSet.
    boards.push({ ...base(`blinkt-${idPart(nodeName ?? hostname())}`), brightness: BLINKT.brightness, ledCount: BLINKT.ledCount, profile: BLINKT.profile, outputs: [{ type: 'blinkt' }] });
  }
  return { boards, usbLights: (flags.blinkstick ?? []).some((s) => s === '') };
}
