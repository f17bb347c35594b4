// Watch lines are decoded in place: project() reads bytes [start, end) of the buffer they arrived
// in, the next line right behind the newline. It must give what JSON.parse gives of the line
// alone, and a damaged line must fail on its own, never read on into the next one.
import t from 'tap';
import fc from 'fast-check';
import { project } from '../../bridge/kube/project.ts';

t.test('each line of a buffer decodes as if it stood alone', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 6 }), (values) => {
      const lines = values.map((v) => JSON.stringify(v));
      const buf = Buffer.from(lines.join('\n') + '\n');
      let start = 0;
      for (const text of lines) {
        const end = start + Buffer.byteLength(text);
        t.same(project(buf, true, start, end), JSON.parse(text));
        start = end + 1;
      }
    }),
    { numRuns: 500 },
  );
});

t.test('a damaged line fails alone; the next line is not read', async (t) => {
  const next = '{"type":"ADDED","object":{"a":1}}';
  for (const bad of ['{"type":"MODIFIED","object":{"a":"unterminated', '{"type":"MODIFIED","object":{"a":1', '{"type":', '"x', '12', ' ']) {
    const buf = Buffer.from(`${bad}\n${next}\n`);
    const end = Buffer.byteLength(bad);
    if (bad === '12') {
      t.equal(project(buf, true, 0, end), 12, 'a number ends at the newline');
      continue;
    }
    t.throws(() => project(buf, { type: true, object: { a: true } }, 0, end), SyntaxError, JSON.stringify(bad));
  }
  const buf = Buffer.from(`{"a":1}  \n${next}\n`);
  t.same(project(buf, true, 0, 9), { a: 1 }, 'whitespace before the newline is the end');
  t.same(project(buf, { type: true }, 10, 10 + next.length), { type: 'ADDED' });
});
