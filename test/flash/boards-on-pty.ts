// Board stand-ins behind a socat pseudo-terminal pair, for the flash tests: the CLI opens `host`;
// an Espruino REPL (EspruinoConsole, in this process) or a NodeMCU console (lua5.1, through
// socat) answers on the other end. Each cleans up when its test ends.
import type { Test } from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { EspruinoConsole } from './espruino-console.ts';
import type { EspruinoEnv } from './espruino-console.ts';
import { nodemcuConsole } from './nodemcu-console.ts';
import { ptyPair } from './tools.ts';

export async function espruinoOnPty(t: Test, env: EspruinoEnv): Promise<{ host: string; board: EspruinoConsole }> {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-espruino-'));
  const pty = await ptyPair(dir, 'espruino');
  const port = new SerialPort({ path: pty.board!, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const board = new EspruinoConsole(port, env);
  t.teardown(async () => {
    board.close();
    await new Promise<void>((resolve) => port.close(() => resolve()));
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { host: pty.host, board };
}

/** A NodeMCU console in lua5.1; `spiffs` is the folder its `file` module writes to. */
export async function nodemcuOnPty(t: Test, pin: number): Promise<{ host: string; spiffs: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-nodemcu-'));
  const spiffs = join(dir, 'spiffs');
  mkdirSync(spiffs);
  writeFileSync(join(dir, 'console.lua'), nodemcuConsole(spiffs, pin));
  const pty = await ptyPair(dir, 'nodemcu', `lua5.1 ${join(dir, 'console.lua')}`);
  t.teardown(async () => {
    await pty.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { host: pty.host, spiffs };
}
