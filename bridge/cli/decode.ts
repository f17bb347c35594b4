// `podlights decode`: a debugging aid that reads frames as hex (from arguments or stdin, one per
// line) and prints each as JSON in the named form, or the decoder's error with its byte offset.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { decode, fromBinaryString, toBinaryString, toNamed } from '../../protocol/index.ts';
import { cobsDecode } from '../../protocol/codec/cobs.ts';
import type { Command } from './main.ts';

const help = `usage: podlights decode [--max-frame N] [HEX...]

Decodes protocol v1 frames given as hex (spaces and colons allowed) and prints one JSON
line per frame. Without HEX arguments, reads one frame per line from stdin.
A byte stream of COBS-framed frames (a board's retained snapshot, as
\`mosquitto_sub -t podlights/desk-1/snapshot -F %x\` prints it, or a serial capture) is
recognised by its 0x00 delimiters and decoded frame by frame ("block" numbers them).
Exits 1 if any frame failed to decode.
`;

function parseHex(text: string): Uint8Array | string {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return `not hex: '${text.trim()}'`;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

function frameLine(bytes: Uint8Array, maxFrame: number, extra: Record<string, unknown> = {}): { line: string; ok: boolean } {
  const frame = decode(bytes, { maxFrame });
  if (!frame.ok) return { line: JSON.stringify({ ...extra, ...frame }), ok: false };
  const { messages, ...header } = frame;
  return { line: JSON.stringify({ ...extra, ...header, messages: messages.map(toNamed) }), ok: true };
}

/**
 * A COBS stream: blocks between 0x00 delimiters, none of them with a zero inside (COBS has no
 * zeros), and it ends with a delimiter. A plain frame is never that: its CRC or its fields put
 * zeros in the middle, or it does not end in 0x00.
 */
function isStream(bytes: Uint8Array): boolean {
  return bytes.length > 1 && bytes[bytes.length - 1] === 0 && bytes[0] !== 0x50;
}

function describe(text: string, maxFrame: number): { line: string; ok: boolean }[] {
  const bytes = parseHex(text);
  if (typeof bytes === 'string') return [{ line: JSON.stringify({ ok: false, code: 'bad-hex', reason: bytes }), ok: false }];
  if (!isStream(bytes)) return [frameLine(bytes, maxFrame)];
  const out: { line: string; ok: boolean }[] = [];
  const blocks = toBinaryString(bytes).split('\0');
  blocks.pop(); // after the last delimiter
  blocks.forEach((block, i) => {
    if (block.length === 0) return; // delimiters may repeat (SPEC: an empty block is ignored)
    const cobs = cobsDecode(block);
    if (!cobs.ok) out.push({ line: JSON.stringify({ block: i, ...cobs }), ok: false });
    else out.push(frameLine(fromBinaryString(cobs.data), maxFrame, { block: i }));
  });
  return out;
}

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode protocol v1 frames given as hex and print them as JSON',
  async run(args) {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: { 'max-frame': { type: 'string', default: '65535' }, help: { type: 'boolean', short: 'h' } },
      });
    } catch (err) {
      // A bad flag is the user's mistake, not a crash: one line, no stack trace.
      process.stderr.write(`podlights decode: ${(err as Error).message} (see podlights decode --help)\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    const maxFrame = Number(values['max-frame']);
    if (!Number.isInteger(maxFrame) || maxFrame < 8) {
      process.stderr.write(`podlights decode: --max-frame must be an integer >= 8\n`);
      return 2;
    }
    let failed = false;
    const handle = (text: string): void => {
      if (text.trim() === '') return;
      for (const r of describe(text, maxFrame)) {
        process.stdout.write(`${r.line}\n`);
        if (!r.ok) failed = true;
      }
    };
    if (positionals.length > 0) positionals.forEach(handle);
    else for await (const line of createInterface({ input: process.stdin })) handle(line);
    return failed ? 1 : 0;
  },
};
