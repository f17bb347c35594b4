// `podlights boards --detect`, the serial part: USB serial ports with their vendor/product ids, a
// guess of the board from the USB chip (Espruino Pico, CP210x / CH340 / CH9102 / FTDI bridges on
// ESP boards, the ESP32-S3/C3 built-in USB), what interpreter answers on it (the flash probe), and
// the profiles that fit.
import { SerialPort } from 'serialport';
import { allBoards } from '../../boards/index.ts';
import type { BoardProfile } from '../../boards/index.ts';
import { table } from '../cli/table.ts';
import { closePort, openPort, probeInterpreter } from './port.ts';
import type { Interpreter } from './port.ts';

export interface PortInfo {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
}

interface UsbGuess {
  board: string;
  /** Which boards of ours can sit behind this USB chip. */
  fits: (b: BoardProfile) => boolean;
}

const esp = (b: BoardProfile) => b.mcu === 'esp32' || b.mcu === 'esp8266';
const esp32 = (b: BoardProfile) => b.mcu === 'esp32';

/** USB ids (lower-case hex vid:pid) of the boards and bridges people flash podlights onto. */
export const USB_BOARDS: Record<string, UsbGuess> = {
  '0483:5740': { board: 'Espruino Pico (STM32 USB)', fits: (b) => b.mcu === 'stm32f401' },
  '10c4:ea60': { board: 'ESP32 / ESP8266 board (CP210x USB-serial)', fits: esp },
  '1a86:7523': { board: 'ESP8266 NodeMCU / ESP32 board (CH340 USB-serial)', fits: esp },
  '1a86:55d4': { board: 'ESP32 board (CH9102 USB-serial)', fits: esp32 },
  '303a:1001': { board: 'ESP32-S3/C3 (built-in USB serial)', fits: esp32 },
  '0403:6001': { board: 'USB-serial adapter (FTDI FT232), maybe an ESP board', fits: esp },
};

export interface SerialBoard {
  path: string;
  usb?: string;
  manufacturer?: string;
  guess: string;
  /** What answered the probe: 'Espruino 2v25 (ESP32)', 'NodeMCU (Lua 5.1)', 'podlights', 'busy: ...', 'no answer'. */
  runs?: string;
  profiles: string[];
}

function describe(it: Interpreter): string {
  if (it.kind === 'espruino') return `Espruino ${it.version} (${it.board})`;
  if (it.kind === 'nodemcu') return `NodeMCU (${it.lua})`;
  if (it.kind === 'podlights') return `podlights${it.hello ? ` (${it.hello.boardId}, ${it.hello.profile})` : ''}`;
  if (it.kind === 'unknown') return `something else ("${it.said.slice(0, 20)}")`;
  return 'no answer';
}

/** Which profiles fit what answered (when something did) and the USB chip. */
function fitting(guess: UsbGuess | undefined, it: Interpreter | undefined): string[] {
  return allBoards()
    .filter((b) => b.runtime === 'espruino' || b.runtime === 'lua5.1' || b.runtime === 'lua5.3')
    .filter((b) => !guess || guess.fits(b))
    .filter((b) => {
      if (!it) return true;
      if (it.kind === 'espruino') return b.runtime === 'espruino' && (/ESP32/i.test(it.board) ? b.mcu === 'esp32' : /^PICO/i.test(it.board) ? b.mcu === 'stm32f401' : true);
      if (it.kind === 'nodemcu') return b.runtime === (it.lua === 'Lua 5.1' ? 'lua5.1' : 'lua5.3');
      if (it.kind === 'podlights' && it.hello) return b.name === it.hello.profile;
      return true;
    })
    .map((b) => b.name);
}

export interface DetectSerialOptions {
  /** serialport's list() (tests pass their own). */
  list?: () => Promise<PortInfo[]>;
  /** Ask each USB board what it runs (default true). */
  probe?: boolean;
}

export async function detectSerialBoards(options: DetectSerialOptions = {}): Promise<SerialBoard[]> {
  const ports = (await (options.list ?? (() => SerialPort.list()))()).filter((p) => !/^\/dev\/ttyS\d+$/.test(p.path));
  return Promise.all(
    ports.map(async (p) => {
      const usb = p.vendorId && p.productId ? `${p.vendorId.toLowerCase().padStart(4, '0')}:${p.productId.toLowerCase().padStart(4, '0')}` : undefined;
      const guess = usb ? USB_BOARDS[usb] : undefined;
      let it: Interpreter | undefined;
      let runs: string | undefined;
      if (options.probe !== false && (guess || usb)) {
        try {
          const port = await openPort(p.path);
          try {
            it = await probeInterpreter(port);
          } finally {
            await closePort(port);
          }
          runs = describe(it);
        } catch (e) {
          runs = (e as Error).message.split(':')[0];
        }
      }
      return {
        path: p.path,
        usb,
        manufacturer: p.manufacturer,
        guess: guess?.board ?? (usb ? 'unknown USB serial device' : 'serial port'),
        runs,
        profiles: guess || (it && it.kind !== 'silent' && it.kind !== 'unknown') ? fitting(guess, it) : [],
      };
    }),
  );
}

/** The serial part of `podlights boards --detect`, as a table (detectSerialBoards gives the data). */
export async function printSerialBoards(write: (line: string) => void, options: DetectSerialOptions = {}): Promise<SerialBoard[]> {
  const found = await detectSerialBoards(options);
  if (found.length === 0) {
    write('no USB serial ports found (is the board plugged in with a data cable? on Linux, is its driver loaded: dmesg | tail)');
    return found;
  }
  const rows = [
    ['serial port', 'usb id', 'looks like', 'runs', 'profiles that fit (podlights flash <profile> --port <port>)'],
    ...found.map((f) => [f.path, f.usb ?? '-', f.guess, f.runs ?? '-', f.profiles.join(', ') || '-']),
  ];
  for (const line of table(rows)) write(line);
  return found;
}
