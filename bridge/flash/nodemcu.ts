// Putting podlights on a NodeMCU board through nodemcu-tool, used as a library: the firmware goes
// up as podlights.lua and is compiled on the board (node.compile, so the code lives in flash as
// bytecode instead of in RAM as source), the source is removed, a two-line init.lua starts
// podlights.lc on every boot, and the settings go to podlights.cfg.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlashError } from './errors.ts';
import { BAUD } from './port.ts';
import { Progress } from './progress.ts';
import type { ProgressSink } from './progress.ts';

const require = createRequire(import.meta.url);

interface NodemcuTool {
  connect(device: string, baud: number, check?: boolean, delay?: number): Promise<string>;
  disconnect(): Promise<void>;
  upload(local: string, remote: string, options: { minify?: boolean }, progress: (done: number, total: number) => void): Promise<void>;
  compile(remote: string): Promise<string | null>;
  remove(remote: string): Promise<void>;
  execute(command: string): Promise<{ echo: string; response: string | null }>;
  onError(cb: (err: Error) => void): void;
}

let tool: NodemcuTool | undefined;
function nodemcuTool(log: (line: string) => void): NodemcuTool {
  if (!tool) {
    // nodemcu-tool reports through logging-facility; route it into our verbose log.
    const facility = createRequire(require.resolve('nodemcu-tool'))('logging-facility') as { setBackend(fn: (instance: string, level: number, args: unknown[]) => void): void };
    facility.setBackend((instance, _level, args) => logSink(`${instance}: ${args.map(String).join(' ')}`));
    tool = require('nodemcu-tool') as NodemcuTool;
  }
  logSink = log;
  return tool;
}
let logSink: (line: string) => void = () => undefined;

export const NODEMCU_FILES = { source: 'podlights.lua', compiled: 'podlights.lc', init: 'init.lua', settings: 'podlights.cfg', incoming: 'podlights.new' } as const;

/**
 * Run on the board after the new settings went up as podlights.new: what it gives replaces those
 * fields of podlights.cfg, the others stay (a new WiFi keeps the broker), and the file is written
 * back as a Lua chunk (%q quotes any string so that Lua reads it back as it was).
 */
export const NODEMCU_MERGE =
  `local o=file.exists("${NODEMCU_FILES.settings}") and dofile("${NODEMCU_FILES.settings}") or {} ` +
  `for k,v in pairs(dofile("${NODEMCU_FILES.incoming}")) do o[k]=v end ` +
  `file.open("${NODEMCU_FILES.settings}","w+") file.write("-- podlights board settings (podlights provision)\\nreturn {") ` +
  `for k,v in pairs(o) do file.write(k.."="..(type(v)=="string" and string.format("%q",v) or tostring(v))..",") end ` +
  `file.write("}\\n") file.close() file.remove("${NODEMCU_FILES.incoming}") print("podlights-settings-ok")`;

/** The init.lua that starts the compiled firmware on every boot. */
export const NODEMCU_INIT = `-- podlights: start the firmware that podlights flash compiled to ${NODEMCU_FILES.compiled}\nif file.exists("${NODEMCU_FILES.compiled}") then dofile("${NODEMCU_FILES.compiled}") end\n`;

export interface NodemcuUpload {
  path: string;
  /** podlights.lua (the profile's build); omitted by provision. */
  firmware?: string;
  /** podlights.cfg text; omitted when there is nothing to write. */
  settings?: string;
  out: ProgressSink;
  log: (line: string) => void;
}

/** Uploads through nodemcu-tool; the port must be free (the caller probed and closed it). */
export async function uploadNodemcu(job: NodemcuUpload): Promise<void> {
  const t = nodemcuTool(job.log);
  const dir = mkdtempSync(join(tmpdir(), 'podlights-flash-'));
  let lowLevel: Error | undefined;
  t.onError((e) => (lowLevel = e));
  try {
    try {
      // No connection check of its own (a fixed 1.5 s watchdog): the probe already heard Lua answer.
      job.log(await t.connect(job.path, BAUD, false, 0));
    } catch (e) {
      throw new FlashError(`no answer from NodeMCU on ${job.path}: ${(lowLevel ?? (e as Error)).message}`);
    }
    const put = async (name: string, text: string, label: string) => {
      const local = join(dir, name);
      // Mode 0600: the settings hold the WiFi password; the folder goes right after.
      writeFileSync(local, text, { mode: 0o600 });
      const bar = new Progress(label, job.out);
      // nodemcu-tool counts hex/base64 characters; the bar shows the file's bytes.
      const bytes = Buffer.byteLength(text);
      await t.upload(local, name, { minify: false }, (done, total) => bar.update(total > 0 ? Math.round((done / total) * bytes) : bytes, bytes));
      bar.finish();
    };
    if (job.firmware !== undefined) {
      await put(NODEMCU_FILES.source, job.firmware, 'upload podlights');
      const bar = new Progress('compile on board', job.out);
      const said = await t.compile(NODEMCU_FILES.source);
      if (said) throw new FlashError(`node.compile("${NODEMCU_FILES.source}") failed on the board: ${said.split('\n')[0]}`);
      await t.remove(NODEMCU_FILES.source);
      bar.finish(`${NODEMCU_FILES.compiled}, source removed`);
      await put(NODEMCU_FILES.init, NODEMCU_INIT, 'upload init.lua');
    }
    if (job.settings !== undefined) {
      await put(NODEMCU_FILES.incoming, job.settings, 'write settings');
      const { response } = await t.execute(NODEMCU_MERGE);
      if (response !== 'podlights-settings-ok') throw new FlashError(`merging the settings into ${NODEMCU_FILES.settings} failed on the board: ${response ?? 'no answer'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await t.disconnect().catch(() => undefined);
  }
}
