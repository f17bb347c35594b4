// `podlights flash <profile> --port P [settings]`: build the profile's firmware, upload it, make it
// start on boot, write the board's settings file, and wait until the firmware is up.
import { parseFlashArgs, SETTINGS_HELP } from '../flash/args.ts';
import type { FlashArgs } from '../flash/args.ts';
import { FlashError } from '../flash/errors.ts';
import { flashBoard } from '../flash/flash.ts';
import type { Command } from './main.ts';

const USAGE = `usage: podlights flash <profile> --port <serial port> [settings] [--verbose]

Builds the firmware of a board profile (podlights boards), uploads it over USB serial, makes it
start on every boot and waits until the board says it is up. Espruino boards through EspruinoTools,
NodeMCU boards through nodemcu-tool (compiled on the board). The board must run its interpreter
already (README: "Putting the interpreter on a board"). Settings not given keep what the board's
settings file says.

  --port, -p PATH        the board's serial port (podlights boards --detect lists them)
  --verbose, -v          show what the upload tools say

${SETTINGS_HELP}

example: podlights flash esp32-ws2812 --port /dev/ttyUSB0 --board-id desk-1 --wifi-ssid lab --mqtt-host 192.168.1.10
`;

/** The shared frame of flash and provision: parse, --help, one-line FlashError with exit 2. */
export async function flashCli(command: string, usage: string, args: string[], body: (a: FlashArgs, log: (line: string) => void) => Promise<string>): Promise<number> {
  try {
    const a = parseFlashArgs(args, command);
    if (a.help) {
      process.stdout.write(usage);
      return 0;
    }
    const log = a.verbose ? (line: string) => process.stderr.write(`  | ${line}\n`) : () => undefined;
    process.stdout.write(`${await body(a, log)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof FlashError) {
      process.stderr.write(`podlights ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export const flashCommand: Command = {
  name: 'flash',
  summary: 'build, upload and start the firmware on a board over USB serial, with its settings',
  run: (args) =>
    flashCli('flash', USAGE, args, async (a, log) => {
      if (a.positional.length !== 1) throw new FlashError(a.positional.length === 0 ? 'which board profile? (podlights flash <profile> --port <path>; podlights boards lists them)' : `one profile at a time (got ${a.positional.join(', ')})`);
      if (!a.port) throw new FlashError('--port is required (podlights boards --detect lists the serial ports)');
      const r = await flashBoard(a.positional[0], { port: a.port, settings: a.settings, out: process.stderr, log });
      return `flashed ${a.positional[0]} on ${a.port} in ${r.seconds.toFixed(1)} s: ${r.said}`;
    }),
};
