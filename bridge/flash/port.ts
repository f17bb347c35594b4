// Opening a board's serial port, with a one-line reason a user can act on when it fails (missing,
// busy, permission denied), and asking the board which interpreter it runs before anything is
// uploaded: NodeMCU (Lua), Espruino, podlights firmware that already took the console, or nothing.
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { helloReader } from './hello.ts';
import type { Hello } from '../../protocol/index.ts';
import { FlashError } from './errors.ts';

export const BAUD = 115200;

/** The group that owns a device node (dialout on Debian/Ubuntu, uucp on Arch), for the hint. */
function deviceGroup(path: string): string {
  try {
    const gid = statSync(path).gid;
    const line = readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
    return line ? line.split(':')[0] : 'dialout';
  } catch {
    return 'dialout';
  }
}

/** Other processes that hold the device open (Linux /proc), named for the "busy" message. */
function holders(path: string): string[] {
  const out: string[] = [];
  let target: string;
  try {
    target = realpathSync(path);
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      if (fds.some((fd) => { try { return readlinkSync(`/proc/${pid}/fd/${fd}`) === target; } catch { return false; } })) {
        out.push(`${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (pid ${pid})`);
      }
    }
  } catch {
    // not Linux, or /proc unreadable: the message goes without names
  }
  return out;
}

/** Turns an open error into the one-line FlashError a user can act on. */
export function explainOpenError(path: string, err: Error): FlashError {
  const msg = err.message;
  if (/No such file|ENOENT/i.test(msg)) return portMissing(path);
  if (/Permission denied|EACCES|EPERM/i.test(msg)) {
    const group = deviceGroup(path);
    return new FlashError(`permission denied on ${path}: add your user to the '${group}' group (sudo usermod -aG ${group} $USER), then log out and back in`);
  }
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY|busy|EAGAIN/i.test(msg)) {
    const who = holders(path);
    return new FlashError(`port ${path} is busy: ${who.length ? `${who.join(', ')} ${who.length > 1 ? 'have' : 'has'} it open` : 'another program has it open'} (a serial monitor, screen, an IDE or podlights bridge --serial); close it and try again`);
  }
  return new FlashError(`cannot open ${path}: ${msg.split('\n')[0]}`);
}

export function portMissing(path: string): FlashError {
  return new FlashError(`port ${path} not found: is the board plugged in? (podlights boards --detect lists the serial ports)`);
}

/** Opens the port exclusively (a second program cannot open it meanwhile). */
export async function openPort(path: string, baudRate = BAUD): Promise<SerialPort> {
  if (!existsSync(path)) throw portMissing(path);
  const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(explainOpenError(path, err)) : resolve())));
  return port;
}

export async function closePort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}

export type Interpreter =
  | { kind: 'nodemcu'; lua: string }
  | { kind: 'espruino'; version: string; board: string }
  | { kind: 'podlights'; hello?: Hello }
  | { kind: 'silent' }
  | { kind: 'unknown'; said: string };

/**
 * One probe answered by either interpreter and rejected by the other: Lua prints PLLUA and its
 * _VERSION for the first line and a syntax error for the second; Espruino the other way round
 * (a line starting with DLE, 0x10, is not echoed). A board running podlights over serial has
 * given its console to the LED link: the NUL ends the probe as a broken frame there, which it
 * answers with RESYNC (and it says HELLO now and then).
 */
export const PROBE = '\n' + 'print("PL".."LUA",_VERSION)\n' + '\x10print("PL"+"JS",process.env.VERSION,process.env.BOARD)\n' + '\0\n';

export function readInterpreter(text: string, hello?: Hello, frames = false): Interpreter | undefined {
  const lua = /PLLUA\t(Lua \d\.\d)/.exec(text);
  if (lua) return { kind: 'nodemcu', lua: lua[1] };
  const js = /PLJS (\S+) (\S+)/.exec(text);
  if (js) return { kind: 'espruino', version: js[1], board: js[2] };
  if (hello || frames) return { kind: 'podlights', hello };
  return undefined;
}

/**
 * Sends the probe and reads until one interpreter answers (then until the line is quiet, so its
 * complaint about the other line is not left for the next reader), or until timeoutMs.
 */
export async function probeInterpreter(port: SerialPort, timeoutMs = 5000, quietMs = 300): Promise<Interpreter> {
  let text = '';
  let hello: Hello | undefined;
  // A serial podlights board takes the probe for a broken frame and answers with RESYNC.
  let frames = false;
  const decoder = helloReader((h) => (hello = h), () => (frames = true));
  return new Promise<Interpreter>((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    let found: Interpreter | undefined;
    const finish = (r: Interpreter) => {
      clearTimeout(timer);
      clearTimeout(quiet);
      port.off('data', onData);
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      decoder.push(chunk);
      found = found ?? readInterpreter(text, hello, frames);
      if (found) {
        clearTimeout(quiet);
        const f = found;
        quiet = setTimeout(() => finish(f), quietMs);
      }
    };
    const timer = setTimeout(() => {
      const printable = text.replace(/[^\x20-\x7e]+/g, ' ').trim();
      finish(found ?? (printable ? { kind: 'unknown', said: printable.slice(0, 60) } : { kind: 'silent' }));
    }, timeoutMs);
    port.on('data', onData);
    port.write(PROBE);
  });
}

/** Throws the one-line reason when the board's interpreter cannot run the profile's firmware. */
export function checkInterpreter(path: string, profile: { name: string; runtime: string; mcu?: string }, it: Interpreter): void {
  const wants = profile.runtime === 'espruino' ? 'Espruino' : `NodeMCU with ${profile.runtime === 'lua5.1' ? 'Lua 5.1' : 'Lua 5.3'}`;
  const install = 'install it first (README: "Putting the interpreter on a board")';
  if (it.kind === 'silent') {
    throw new FlashError(`no answer from the board on ${path}: it should run ${wants} at ${BAUD} baud; ${install}, or press its reset button and try again`);
  }
  if (it.kind === 'unknown') throw new FlashError(`the board on ${path} answers but runs neither Espruino nor NodeMCU (it said "${it.said}"): profile ${profile.name} needs ${wants}; ${install}`);
  if (it.kind === 'podlights') {
    const h = it.hello;
    throw new FlashError(
      `the board on ${path} already runs podlights${h ? ` (board ${h.boardId}, profile ${h.profile})` : ''} and its console is the LED link: ` +
        `boot it without the saved code (Espruino Pico: hold the button while plugging it in) and try again`,
    );
  }
  const has = it.kind === 'espruino' ? `Espruino ${it.version} (${it.board})` : `NodeMCU (${it.lua})`;
  const other = it.kind === 'espruino' ? 'an Espruino' : 'a NodeMCU';
  if ((profile.runtime === 'espruino') !== (it.kind === 'espruino')) {
    throw new FlashError(`the board on ${path} runs ${has}, but profile ${profile.name} needs ${wants}: ${install}, or pick ${other} profile (podlights boards)`);
  }
  if (it.kind === 'nodemcu' && it.lua !== (profile.runtime === 'lua5.1' ? 'Lua 5.1' : 'Lua 5.3')) {
    throw new FlashError(`the board on ${path} runs ${has}, but profile ${profile.name} needs ${wants}: pick the profile for its chip (podlights boards)`);
  }
  if (it.kind === 'espruino') {
    const esp32 = /ESP32/i.test(it.board);
    const pico = /^PICO/i.test(it.board);
    if ((profile.mcu === 'esp32' && !esp32) || (profile.mcu === 'stm32f401' && !pico)) {
      throw new FlashError(`the board on ${path} runs ${has}, but profile ${profile.name} is for ${profile.mcu === 'esp32' ? 'an ESP32' : 'an Espruino Pico'}: pick the profile for its board (podlights boards)`);
    }
  }
}
