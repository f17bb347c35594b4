// `podlights boards --detect`, the local part: USB lights on the bus and WLED controllers that
// answer on mDNS. Rows a person can read, and the flag that drives each.
import { nodeHid } from './hid/backend.ts';
import type { HidBackend } from './hid/backend.ts';
import { findLights } from './hid/sink.ts';
import { discoverWled } from './wled/discover.ts';
import type { DiscoverOptions } from './wled/discover.ts';

export interface DetectedLight {
  kind: 'usb' | 'wled';
  model: string;
  /** Serial number or host. */
  id: string;
  ledCount?: number;
  /** How to drive it. */
  flag: string;
}

export interface DetectOptions {
  hid?: HidBackend;
  mdns?: DiscoverOptions;
  log?: (line: string) => void;
}

export async function detectLocalLights(options: DetectOptions = {}): Promise<DetectedLight[]> {
  const out: DetectedLight[] = [];
  try {
    for (const l of findLights(options.hid ?? nodeHid())) {
      out.push({ kind: 'usb', model: l.model, id: l.serial, ledCount: l.ledCount, flag: `--blinkstick ${l.serial}` });
    }
  } catch (err) {
    options.log?.(`usb: ${(err as Error).message}`);
  }
  for (const w of await discoverWled(options.mdns)) {
    const host = w.address ?? w.host;
    out.push({ kind: 'wled', model: 'wled', id: `${w.name} (${w.host}${w.address ? ` ${w.address}` : ''})`, flag: `--wled ${host}` });
  }
  return out;
}

/** `podlights boards --detect`: a table (or JSON) of what was found, with the flag for each. */
export async function printDetectedLights(write: (line: string) => void, options: DetectOptions & { json?: boolean } = {}): Promise<DetectedLight[]> {
  const found = await detectLocalLights({ ...options, log: (line) => write(`  (${line})`) });
  if (options.json) {
    write(JSON.stringify(found, null, 2));
    return found;
  }
  if (found.length === 0) {
    write('no USB lights (BlinkStick, blink(1)) and no WLED controllers (mDNS _wled._tcp) found');
    return found;
  }
  const rows = [['kind', 'model', 'id', 'LEDs', 'drive it with'], ...found.map((f) => [f.kind, f.model, f.id, f.ledCount === undefined ? '?' : String(f.ledCount), `podlights bridge ${f.flag}`])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) write(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  return found;
}
