// `podlights flash` and `podlights provision` without the command line: check the port and the
// board's interpreter, build the profile's firmware (in memory, never to disk), upload it and the
// settings file, restart, and wait until the firmware says it is up.
import type { SerialPort } from 'serialport';
import { getBoard } from '../../boards/index.ts';
import type { BoardProfile } from '../../boards/index.ts';
import { buildBoard, hasFirmware } from '../../firmware/build.ts';
import { FlashError } from './errors.ts';
import { uploadEspruino } from './espruino.ts';
import { NODEMCU_FILES, uploadNodemcu } from './nodemcu.ts';
import { checkInterpreter, closePort, openPort, probeInterpreter } from './port.ts';
import type { Interpreter } from './port.ts';
import type { ProgressSink } from './progress.ts';
import { describeSettings, espruinoSettingsText, nodemcuSettingsText, SETTINGS_FILE } from './settings.ts';
import type { BoardSettings } from './settings.ts';
import { waitForStart } from './started.ts';

export interface FlashJob {
  port: string;
  settings: BoardSettings;
  out: ProgressSink;
  log: (line: string) => void;
  /** How long the firmware may take to show itself after a restart (default 15 s). */
  startTimeoutMs?: number;
}

export interface FlashResult {
  /** What the started firmware said (its start line or HELLO). */
  said: string;
  seconds: number;
}

/** The profile, or the one-line error for an unknown or firmware-less one. */
export function firmwareProfile(name: string): BoardProfile {
  let board: BoardProfile;
  try {
    board = getBoard(name);
  } catch (e) {
    throw new FlashError((e as Error).message);
  }
  if (!hasFirmware(board)) throw new FlashError(`board profile '${name}' is driven by the ${board.runtime === 'bridge' ? 'bridge itself' : 'demo'}: there is nothing to flash`);
  return board;
}

/** Opens the port, asks the board what it runs, closes the port again for the upload tool. */
async function probe(path: string, log: (line: string) => void): Promise<Interpreter> {
  const port = await openPort(path);
  try {
    const it = await probeInterpreter(port);
    log(`probe: ${JSON.stringify(it)}`);
    return it;
  } finally {
    await closePort(port);
  }
}

/** node.restart(), then wait for the start line / HELLO on the console. */
async function restartNodemcu(path: string, boardId: string | undefined, timeoutMs: number): Promise<string> {
  const port: SerialPort = await openPort(path);
  try {
    const started = waitForStart(port, boardId, timeoutMs);
    port.write('node.restart()\n');
    return (await started).said;
  } finally {
    await closePort(port);
  }
}

export async function flashBoard(profileName: string, job: FlashJob): Promise<FlashResult> {
  const t0 = Date.now();
  const board = firmwareProfile(profileName);
  const it = await probe(job.port, job.log);
  checkInterpreter(job.port, board, it);
  job.out.write(`${job.port}: ${it.kind === 'espruino' ? `Espruino ${it.version} on ${it.board}` : `NodeMCU, ${it.kind === 'nodemcu' ? it.lua : ''}`}\n`);
  const { code } = await buildBoard(board);
  job.out.write(`built ${board.name}: ${Buffer.byteLength(code)} bytes (profile only; settings go to the board's ${SETTINGS_FILE[board.runtime === 'espruino' ? 'espruino' : 'nodemcu']})\n`);
  const hasSettings = Object.keys(job.settings).length > 0;
  if (hasSettings) job.out.write(`settings: ${describeSettings(job.settings)}\n`);
  else if (board.transport === 'mqtt') job.out.write('no settings given: the board keeps the settings file it has (write one with podlights provision)\n');
  const timeout = job.startTimeoutMs ?? 15_000;
  let said: string;
  if (board.runtime === 'espruino') {
    said = await uploadEspruino({
      path: job.port,
      firmware: code,
      settings: hasSettings ? espruinoSettingsText(job.settings) : undefined,
      expect: board.transport === 'serial' ? 'hello' : 'banner',
      boardId: job.settings.boardId,
      out: job.out,
      log: job.log,
      startTimeoutMs: timeout,
    });
  } else {
    await uploadNodemcu({ path: job.port, firmware: code, settings: hasSettings ? nodemcuSettingsText(job.settings) : undefined, out: job.out, log: job.log });
    said = await restartNodemcu(job.port, job.settings.boardId, timeout);
  }
  return { said, seconds: (Date.now() - t0) / 1000 };
}

/** Writes the settings file to whatever board is on the port, restarts it and waits for the firmware (when it has it). */
export async function provisionBoard(job: FlashJob): Promise<FlashResult & { started: boolean }> {
  const t0 = Date.now();
  if (Object.keys(job.settings).length === 0) throw new FlashError('nothing to write: give at least one setting (--wifi-ssid, --mqtt-host, --board-id, ...)');
  const it = await probe(job.port, job.log);
  if (it.kind !== 'espruino' && it.kind !== 'nodemcu') checkInterpreter(job.port, { name: '(any)', runtime: 'espruino' }, it);
  job.out.write(`settings: ${describeSettings(job.settings)}\n`);
  const timeout = job.startTimeoutMs ?? 10_000;
  const seconds = () => (Date.now() - t0) / 1000;
  try {
    if (it.kind === 'espruino') {
      const said = await uploadEspruino({
        path: job.port,
        settings: espruinoSettingsText(job.settings),
        expect: 'banner',
        boardId: job.settings.boardId,
        out: job.out,
        log: job.log,
        startTimeoutMs: timeout,
      });
      return { said, seconds: seconds(), started: true };
    }
    await uploadNodemcu({ path: job.port, settings: nodemcuSettingsText(job.settings), out: job.out, log: job.log });
    const said = await restartNodemcu(job.port, job.settings.boardId, timeout);
    return { said, seconds: seconds(), started: true };
  } catch (e) {
    // The file is written; a board without the firmware simply has nothing to start yet.
    if (e instanceof FlashError && /did not start podlights/.test(e.message)) {
      return { said: `settings written; podlights did not start (is it flashed? podlights flash <profile> --port ${job.port}; NodeMCU keeps ${NODEMCU_FILES.settings})`, seconds: seconds(), started: false };
    }
    throw e;
  }
}
