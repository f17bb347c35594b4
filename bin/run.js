#!/usr/bin/env node
// Runs a TypeScript entry point on plain Node (20.6+) through tsx's loader, so the repository
// needs no build step: `node bin/run.js path/to/script.ts [args...]`.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [script, ...rest] = process.argv.slice(2);
if (!script) {
  process.stderr.write('usage: node bin/run.js <script.ts> [args...]\n');
  process.exit(2);
}
register();
process.argv = [process.argv[0], resolve(script), ...rest];
await import(pathToFileURL(resolve(script)).href);
