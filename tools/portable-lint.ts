// `npm run lint:portable`: the portable-subset check over protocol/codec and firmware/core.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatViolation, lintPortable, PORTABLE_ROOTS } from './portable/lint.ts';

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'dist' || name === 'node_modules' ? [] : tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = PORTABLE_ROOTS.flatMap(tsFiles);
const violations = lintPortable({ files });
for (const v of violations) process.stderr.write(`${formatViolation(v)}\n`);
process.stdout.write(`portable subset: ${files.length} files checked, ${violations.length} violations\n`);
process.exitCode = violations.length > 0 ? 1 : 0;
