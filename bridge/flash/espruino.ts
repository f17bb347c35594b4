// Putting podlights on an Espruino board through EspruinoTools (the `espruino` npm package) used as
// a library over serialport: the tools query process.env, reset the board, upload the code in
// throttled chunks as the Web IDE does; then save() keeps it in flash and runs it (E.on('init')),
// as it will on every boot. The settings go to the Storage file podlights.json.
import { createRequire } from 'node:module';
import { helloReader } from './hello.ts';
import type { Hello } from '../../protocol/index.ts';
import { FlashError } from './errors.ts';
import { BAUD } from './port.ts';
import { Progress } from './progress.ts';
import type { ProgressSink } from './progress.ts';
import { SETTINGS_FILE } from './settings.ts';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any -- EspruinoTools is an untyped global */
type Tools = any;

/** EspruinoTools prints as it works: its console output goes to our verbose log instead. */
async function quietly<T>(log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  const sink = (...args: unknown[]) => log(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  console.log = console.info = console.warn = console.error = sink;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

let tools: Promise<Tools> | undefined;
function espruinoTools(): Promise<Tools> {
  tools ??= new Promise((resolve) => {
    // init() defines the global `Espruino` (and jQuery/navigator stand-ins it needs).
    require('espruino').init(() => resolve((globalThis as any).Espruino));
  });
  return tools;
}

/** A JS string literal of the UTF-8 bytes of `text` (Espruino strings are bytes; the serial line is 8-bit). */
export function byteLiteral(text: string): string {
  let out = '"';
  for (const b of Buffer.from(text, 'utf8')) out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `${out}"`;
}

export interface EspruinoUpload {
  path: string;
  /** The profile's build; omitted by provision. */
  firmware?: string;
  /** podlights.json text; omitted when there is nothing to write. */
  settings?: string;
  /** How the started firmware shows itself: its start line on the console (MQTT boards) or HELLO (serial). */
  expect: 'banner' | 'hello';
  /** The board id to wait for; any when undefined (the board keeps the settings it has). */
  boardId?: string;
  out: ProgressSink;
  log: (line: string) => void;
  /** How long to wait for the firmware to show itself after save()/load(). */
  startTimeoutMs?: number;
}

/** Uploads, saves and waits for the firmware to start; resolves to what the board said. */
export async function uploadEspruino(job: EspruinoUpload): Promise<string> {
  return quietly(job.log, async () => {
    const E = await espruinoTools();
    E.Config.BAUD_RATE = BAUD;
    E.Config.RESET_BEFORE_SEND = true;
    E.Config.SAVE_ON_SEND = 0; // to RAM, then save(): the board runs E.on('init') on every boot
    E.Config.SET_TIME_ON_WRITE = false;
    // The node.js build has no terminal; without one the writer does not wait on its last line.
    E.Core.Terminal = undefined;
    // Serial devices find ports through serialport.list(), which has no ptys or renamed links:
    // make the port given on the command line known to the Node serial device.
    const device = E.Core.Serial.devices.find((d: any) => d.name === 'Node Serial');
    if (!device) throw new FlashError('EspruinoTools found no usable serialport module');
    // Only the serial device: the Bluetooth ones would scan (and fail without a D-Bus), the
    // network ones have no business here.
    const devices: any[] = E.Core.Serial.devices;
    devices.splice(0, devices.length, device);
    E.Config.BLUETOOTH_LOW_ENERGY = false;
    E.Config.BLUETOOTH_LOW_ENERGY_DBUS = false;
    E.Config.WEB_BLUETOOTH = false;
    if (!device.podlightsWrapped) {
      const getPorts = device.getPorts;
      device.getPorts = (cb: (ports: any[], instant: boolean) => void) =>
        getPorts((ports: any[], instant: boolean) => cb([...ports.filter((p) => p.path !== wanted.path), { path: wanted.path }], instant));
      device.podlightsWrapped = true;
    }
    wanted.path = job.path;

    let bar: Progress | undefined;
    let sent = 0;
    let total = 0;
    E.Core.Status = {
      setStatus: (_text: string, len?: number) => {
        if (len && len > 0) {
          total = len;
          sent = 0;
        }
      },
      hasProgress: () => bar !== undefined,
      incrementProgress: (amount: number) => {
        sent += amount;
        bar?.update(Math.min(sent, total), total);
      },
    };

    let rx = '';
    let hello: Hello | undefined;
    const decoder = helloReader((h) => (hello = h));
    const listen = (data: ArrayBuffer) => {
      const bytes = new Uint8Array(data);
      rx += Buffer.from(bytes).toString('latin1');
      decoder.push(bytes);
    };
    E.Core.Serial.startListening(listen);
    let disconnected: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (disconnected = resolve));
    await new Promise<void>((ok, fail) =>
      E.Core.Serial.open(job.path, (status: unknown) => (status === undefined ? fail(new FlashError(`EspruinoTools could not open ${job.path}`)) : ok()), () => disconnected()),
    );
    // The `connected` processors (process.env query, version check) ran; listen again.
    E.Core.Serial.startListening(listen);
    const env = E.Core.Env.getBoardData();
    job.log(`EspruinoTools: connected to ${env.BOARD ?? '?'} ${env.VERSION ?? '?'}`);
    try {
      if (job.settings !== undefined) {
        const result = await new Promise<string | undefined>((resolve) =>
          // minTimeout: how long the tools wait for a first answer (2 s by default) before giving up.
          // The given fields replace those in the file, the others stay (a new WiFi keeps the broker).
          E.Core.Utils.executeExpression(
            `(function(n){var S=require("Storage"),f=${JSON.stringify(SETTINGS_FILE.espruino)},o=S.readJSON(f,1)||{};for(var k in n)o[k]=n[k];return S.writeJSON(f,o)})(JSON.parse(${byteLiteral(job.settings!)}))`,
            resolve,
            { minTimeout: 10 },
          ),
        );
        E.Core.Serial.startListening(listen);
        if (result?.trim() !== 'true') throw new FlashError(`writing ${SETTINGS_FILE.espruino} to the board's Storage failed (it answered ${result ?? 'nothing'})`);
        job.out.write(`settings written to Storage file ${SETTINGS_FILE.espruino}\n`);
      }
      if (job.firmware !== undefined) {
        const code = await new Promise<string>((resolve) => E.callProcessor('transformForEspruino', job.firmware, resolve));
        bar = new Progress('upload podlights', job.out);
        bar.update(0, code.length);
        await new Promise<void>((resolve) => E.Core.CodeWriter.writeToEspruino(code, resolve));
        await until(() => /\r?\n?>\s*$/.test(rx), 20_000, 'the board did not come back to its prompt after the upload');
        bar.update(total || code.length, total || code.length);
        bar.finish(`${job.firmware.length} B`);
        bar = undefined;
      }
      rx = '';
      hello = undefined;
      // save(): keep the code in flash and run E.on('init') as on every boot; load(): restart
      // from what is saved (after new settings).
      E.Core.Serial.write(job.firmware !== undefined ? '\x10save()\n' : '\x10load()\n', false);
      const banner = /(podlights-fw\/\S+) ([A-Za-z0-9._-]+)\r?\n/;
      const ours = (id: string) => job.boardId === undefined || id === job.boardId;
      const seen = setInterval(() => rx && job.log(`console: ${JSON.stringify(rx.slice(-200))}`), 2000);
      await until(
        () => (job.expect === 'banner' ? banner.test(rx) && ours(banner.exec(rx)![2]) : hello !== undefined && ours(hello.boardId)),
        job.startTimeoutMs ?? 15_000,
        `the board did not start podlights within ${Math.round((job.startTimeoutMs ?? 15_000) / 1000)} s (no ${job.expect === 'banner' ? 'start line' : 'HELLO'}${job.boardId ? ` for ${job.boardId}` : ''} on its console)`,
      ).finally(() => clearInterval(seen));
      if (job.expect === 'banner') {
        const m = banner.exec(rx)!;
        return `${m[1]} ${m[2]}`;
      }
      return `HELLO from ${hello!.boardId} (${hello!.firmware}, ${hello!.ledCount} LEDs)`;
    } finally {
      E.Core.Serial.close();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    }
  });
}

const wanted = { path: '' };

async function until(test: () => boolean, timeoutMs: number, failure: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new FlashError(failure);
    await new Promise((r) => setTimeout(r, 50));
  }
}
