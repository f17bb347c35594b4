#!/usr/bin/env node
// The `podlights` command. The sources are TypeScript; tsx's loader runs them on Node 20+
// without a build step, so a clone, `npm ci` and this file are all a user needs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bridge/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
