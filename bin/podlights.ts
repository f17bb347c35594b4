// The `podlights` command's entry as compiled by `npm run build` (dist/bin/podlights.js, what the
// container image runs with no TypeScript loader). bin/podlights.js loads this same file through
// tsx for a clone with no build.
import { main } from '../bridge/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
