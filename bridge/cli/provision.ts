// `podlights provision --port P [settings]`: write WiFi, broker and board id to the settings file
// on a board (no rebuild, no upload of code), restart it and wait for the firmware to come up.
import { SETTINGS_HELP } from '../flash/args.ts';
import { FlashError } from '../flash/errors.ts';
import { provisionBoard } from '../flash/flash.ts';
import { flashCli } from './flash.ts';
import type { Command } from './main.ts';

const USAGE = `usage: podlights provision --port <serial port> [settings] [--verbose]

Writes the given settings into the board's settings file (Espruino: Storage file podlights.json;
NodeMCU: podlights.cfg; the settings not given stay as they are), restarts the board and waits
for the firmware to start with them. The firmware itself is not
touched: one build serves every board of a profile.

  --port, -p PATH        the board's serial port (podlights boards --detect lists them)
  --verbose, -v          show what the upload tools say

${SETTINGS_HELP}

example: PODLIGHTS_WIFI_PASSWORD=... podlights provision --port /dev/ttyUSB0 --wifi-ssid lab --mqtt-host 192.168.1.10
`;

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'write WiFi, broker and board id to a board (no rebuild), restart it',
  run: (args) =>
    flashCli('provision', USAGE, args, async (a, log) => {
      if (a.positional.length > 0) throw new FlashError(`unexpected argument '${a.positional[0]}' (podlights provision --help)`);
      if (!a.port) throw new FlashError('--port is required (podlights boards --detect lists the serial ports)');
      const r = await provisionBoard({ port: a.port, settings: a.settings, out: process.stderr, log });
      return `provisioned ${a.port} in ${r.seconds.toFixed(1)} s: ${r.said}`;
    }),
};
