// Rewrites test/firmware/golden/*.txt from the virtual target. Review the diff (the ASCII lines)
// before committing: the conformance test then holds every runtime to these files.
import { traces } from './traces.ts';
import { replayVirtual } from './virtual-replay.ts';
import { writeGolden } from './golden.ts';

for (const trace of traces()) {
  writeGolden(trace, replayVirtual(trace));
  console.log(`golden/${trace.name}.txt`);
}
