// The docs a newcomer opens first link only to files inside the repository (issue 11, item 15:
// README and firmware/README pointed at ../shared/DESIGN.md, missing from every clone).
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCS = ['README.md', 'firmware/README.md', 'bridge/README.md', 'bridge/sim/README.md', 'docs/architecture.md'];

for (const doc of DOCS) {
  t.test(doc, async (t) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:|^#/.test(l));
    for (const link of links) {
      const target = resolve(ROOT, dirname(doc), link.split('#')[0]);
      const inside = !relative(ROOT, target).startsWith('..');
      t.ok(inside && existsSync(target), `${link} -> ${relative(ROOT, target)}`);
    }
  });
}

t.test('the architecture page is in the repository', async (t) => {
  t.match(readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8'), /^# podlights: the architecture/);
});
