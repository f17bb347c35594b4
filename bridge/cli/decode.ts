// `podlights decode`: a debugging aid that reads frames as hex (from arguments or stdin, one per
// line) and prints each as JSON in the named form, or the decoder's error with its byte offset.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { decode, toNamed } from '../../protocol/index.ts';
import type { Command } from './main.ts';

const help = `usage: podlights decode [--max-frame N] [HEX...]

Decodes protocol v1 frames given as hex (spaces and colons allowed) and prints one JSON
line per frame. Without HEX arguments, reads one frame per line from stdin.
Exits 1 if any frame failed to decode.
`;

function parseHex(text: string): Uint8Array | string {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return `not hex: '${text.trim()}'`;
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

function describe(text: string, maxFrame: number): { line: string; ok: boolean } {
  const bytes = parseHex(text);
  if (typeof bytes === 'string') return { line: JSON.stringify({ ok: false, code: 'bad-hex', reason: bytes }), ok: false };
  const frame = decode(bytes, { maxFrame });
  if (!frame.ok) return { line: JSON.stringify(frame), ok: false };
  const { messages, ...header } = frame;
  return { line: JSON.stringify({ ...header, messages: messages.map(toNamed) }), ok: true };
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
      const r = describe(text, maxFrame);
      process.stdout.write(`${r.line}\n`);
      if (!r.ok) failed = true;
    };
    if (positionals.length > 0) positionals.forEach(handle);
    else for await (const line of createInterface({ input: process.stdin })) handle(line);
    return failed ? 1 : 0;
  },
};
