#!/usr/bin/env node
// The `podlights` command. The sources are TypeScript; tsx's loader runs them on Node 20+
// without a build step, so a clone, `npm ci` and this file are all a user needs. The container
// image runs the compiled entry instead (`npm run build`, dist/bin/podlights.js).
import { register } from 'tsx/esm/api';

register();
await import('./podlights.ts');
