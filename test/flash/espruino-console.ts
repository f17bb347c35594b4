// An Espruino board's REPL on a serial line, for the flash tests, written from Espruino's console
// protocol (README_Protocol.md) and what EspruinoTools relies on:
// - typed characters are echoed, unless the line starts with DLE (0x10, "echo off for this line");
// - a newline runs the line when its brackets are balanced (else the line goes on); ESC LF
//   (Alt-Enter) is a newline that never runs; ESC [ n d (line numbers) is ignored; Ctrl-C clears
//   the line;
// - after a line: `=<result>` (echo on only) and the `>` prompt; errors print `Uncaught ...`;
// - reset() clears RAM (Storage stays), save() keeps RAM in flash and runs the init handlers as on
//   a boot (jsiSoftInit), load() boots from what save() kept; all three act once the line is done;
// - process.env answers EspruinoTools' board query; LoopbackA.setConsole() moves the REPL off USB,
//   after which USB.write goes straight to the line and input goes to USB.on('data').
// The code runs in espruinoDevice() (test/firmware), the same stand-ins the device tests use.
import vm from 'node:vm';
import type { SerialPort } from 'serialport';
import { espruinoDevice } from '../firmware/espruino-device.ts';
import type { EspruinoDevice } from '../firmware/espruino-device.ts';

export interface EspruinoEnv {
  VERSION: string;
  BOARD: string;
  CONSOLE: string;
}

/** Bracket depth of JS text, strings and comments skipped (Espruino runs a line at depth 0). */
export function depth(code: string): number {
  let d = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
    } else if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') d++;
    else if (c === ')' || c === ']' || c === '}') d--;
  }
  return d;
}

export class EspruinoConsole {
  readonly storage = new Map<string, string>();
  /** Lines run since the last reset(): what save() keeps. */
  ram: string[] = [];
  /** What the last save() kept (the uploaded firmware). */
  saved?: string[];
  dev!: EspruinoDevice;
  private line = '';
  private echoOff = false;
  private esc = '';
  private replOnUsb = true;
  private usbData?: (data: string) => void;
  private pending?: 'reset' | 'save' | 'load';
  /** setInterval callbacks run on a real 20 ms timer, the device clock following. */
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly port: SerialPort,
    private readonly env: EspruinoEnv,
  ) {
    this.boot([]);
    port.on('data', (d: Buffer) => this.input(d.toString('latin1')));
    this.timer = setInterval(() => this.dev.step(20), 20);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private write(text: string): void {
    this.port.write(Buffer.from(text, 'latin1'));
  }

  private say(...args: unknown[]): void {
    if (this.replOnUsb) this.write(`${args.map(String).join(' ')}\r\n`);
  }

  /** A fresh interpreter (RAM cleared, Storage kept) that runs `code`, then its init handlers when booting saved code. */
  private boot(code: string[], runInit = false): void {
    this.replOnUsb = true;
    this.usbData = undefined;
    const dev = espruinoDevice(this.storage, {
      print: (...a: unknown[]) => (dev.console.push(a.map(String).join(' ')), this.say(...a)),
      console: { log: (...a: unknown[]) => (dev.console.push(a.map(String).join(' ')), this.say(...a)) },
      reset: () => (this.pending = 'reset'),
      save: () => (this.pending = 'save'),
      load: () => (this.pending = 'load'),
      echo: () => undefined,
      setTime: () => undefined,
      process: { env: { ...this.env, MODULES: 'Flash,Storage,neopixel,Wifi,MQTT', EXPTR: 0 }, memory: () => ({ free: 2000, total: 5000 }) },
      USB: { on: (_ev: string, cb: (d: string) => void) => (this.usbData = cb), write: (s: string) => this.write(s) },
      LoopbackA: { setConsole: () => (this.replOnUsb = false) },
    });
    this.dev = dev;
    this.ram = [];
    for (const c of code) this.run(c);
    if (runInit) for (const f of dev.inits) f();
  }

  private run(code: string): unknown {
    const result = vm.runInContext(code, this.dev.ctx);
    this.ram.push(code);
    return result;
  }

  private input(data: string): void {
    for (const c of data) {
      if (!this.replOnUsb) {
        this.usbData?.(c);
        continue;
      }
      if (this.esc) {
        this.esc += c;
        if (this.esc === '\x1b\n') this.line += '\n';
        else if (this.esc === '\x1b[' || /^\x1b\[\d+$/.test(this.esc)) continue;
        this.esc = '';
      } else if (c === '\x1b') this.esc = c;
      else if (c === '\x03') {
        this.line = '';
        this.echoOff = false;
      } else if (c === '\x10' && this.line === '') this.echoOff = true;
      else if (c === '\r') continue;
      else if (c === '\n') {
        if (depth(this.line) > 0) this.line += '\n';
        else this.execute();
      } else {
        this.line += c;
        if (!this.echoOff) this.write(c);
      }
    }
  }

  private execute(): void {
    const line = this.line;
    const echo = !this.echoOff;
    this.line = '';
    this.echoOff = false;
    let result: unknown;
    try {
      result = line.trim() === '' ? undefined : this.run(line);
      if (echo) this.write(`\r\n=${result === undefined ? 'undefined' : JSON.stringify(result)}\r\n`);
    } catch (e) {
      this.write(`${echo ? '\r\n' : ''}Uncaught ${(e as Error).name}: ${(e as Error).message}\r\n`);
    }
    this.write('>');
    const pending = this.pending;
    this.pending = undefined;
    if (pending === 'reset') {
      this.write('\r\n _____ stand-in Espruino ' + this.env.VERSION + '\r\n>');
      this.boot([]);
    } else if (pending === 'save') {
      this.saved = [...this.ram.filter((l) => !/^\s*save\(\)\s*$/.test(l))];
      this.write('\r\nCompacting Flash...\r\nWriting...\r\nRunning onInit()...\r\n');
      this.boot(this.saved, true);
    } else if (pending === 'load') {
      this.write('\r\nLoading from flash...\r\n');
      this.boot(this.saved ?? [], true);
    }
  }
}
