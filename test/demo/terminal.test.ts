// The terminal view (`npm start -- --no-web`) on the terminals speakers have: at 120 columns
// every story key is on screen (key 0 was cut off) and the story text is wrapped, not cut; at
// 30 rows the screen fits, so the header stays on top instead of scrolling away.
import t from 'tap';
import { join } from 'node:path';
import { Demo } from '../../bridge/demo/demo.ts';
import { TerminalView } from '../../bridge/demo/terminal.ts';
import { fit, laneLabelRows, layoutScreen, pack, wrap } from '../../bridge/demo/terminal-layout.ts';

const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

t.test('wrap, fit and pack never lose text silently', async (t) => {
  t.same(wrap('one two three four', 9), ['one two', 'three', 'four']);
  t.equal(fit('bluegreen-green', 10), 'bluegreen…');
  t.same(pack(['a1', 'b2', 'c3'], 6, '  '), ['a1  b2', '  c3']);
});

t.test('layout: at most `rows` lines; the log gives way before the header', async (t) => {
  const lines = layoutScreen(
    {
      header: ['h1', 'h2', 'h3'],
      warnings: ['w'],
      strips: ['s1', 's2'],
      story: { text: 'story' },
      keys: ['k1', 'k2'],
      footer: 'f',
      log: Array.from({ length: 20 }, (_, i) => ({ text: `log ${i}` })),
    },
    80,
    15,
  ).map(plain);
  t.equal(lines.length, 15);
  t.same(lines.slice(0, 4), ['h1', 'h2', 'h3', 'w']);
  t.same(lines.slice(-3), ['log 17', 'log 18', 'log 19'], 'the newest log lines are the ones kept');
  const tiny = layoutScreen({ header: ['h1', 'h2', 'h3'], warnings: ['w'], strips: ['s1'], story: { text: 'story' }, keys: ['k'], footer: 'f', log: [{ text: 'l' }] }, 80, 6).map(plain);
  t.same(tiny, ['h1', 'w', 's1', 'story', 'k', 'f'], 'short of rows: header lines from the end, then blanks and log go; warnings stay');
});

t.test('the real view at 120x30 while a story plays', async (t) => {
  const dir = t.testdir({});
  const demo = new Demo({ kubeconfig: join(dir, 'kubeconfig'), brokerPort: 0, speed: 1 });
  await demo.start();
  t.teardown(() => demo.stop());
  let screen = '';
  const out = { isTTY: true, columns: 120, rows: 30, write: (s: string) => ((screen = s), true) } as unknown as NodeJS.WriteStream;
  const header = Array.from({ length: 7 }, (_, i) => `podlights demo: header line ${i + 1}`);
  const view = new TerminalView({ demo, out, header, warnings: ['podlights demo: WARNING: port 1883 is in use'], onQuit: () => {} });
  // The longest story text, so it must wrap at 120 columns.
  const story = demo.init().scenarios.reduce((a, b) => (b.description.length > a.description.length ? b : a));
  await demo.scenarios.play(story.name);
  view.start();
  t.teardown(() => view.stop());
  await new Promise((r) => setTimeout(r, 300));
  await demo.scenarios.cancel();
  // One frame: home the cursor, the lines, clear the rest.
  const frame = screen.slice(screen.lastIndexOf('\x1b[H'));
  const lines = plain(frame).split('\n');
  t.ok(lines.length <= 30, `${lines.length} lines fit in 30 rows`);
  t.equal(lines[0], 'podlights demo: header line 1', 'the header is on top');
  t.ok(lines.includes('podlights demo: WARNING: port 1883 is in use'), 'warnings stay on screen');
  const text = lines.join(' ').replace(/\s+/g, ' ');
  t.ok(lines.every((l) => l.length < 120), 'no line wider than the terminal');
  for (const [i, s] of demo.init().scenarios.entries()) t.match(text, `${(i + 1) % 10} ${s.name}`, `key ${(i + 1) % 10} is shown`);
  t.match(text, `${story.title}: ${story.description}`.replace(/\s+/g, ' '), 'the whole story text, wrapped');
});

t.test('lane labels are whole, or told apart, never cut to the lane ("bluegreen-gree")', async (t) => {
  const lanes = [
    { first: 0, count: 15, label: 'Deployment/demo/bluegreen-blue' },
    { first: 15, count: 15, label: 'Deployment/demo/bluegreen-green' },
  ];
  t.same(laneLabelRows(lanes, 30), ['blue           green'], 'the part that tells them apart');
  t.same(laneLabelRows([{ first: 0, count: 30, label: 'Deployment/demo/bluegreen-green' }], 30), ['bluegreen-green'], 'whole where it fits');
  t.same(laneLabelRows([lanes[0], { ...lanes[1], traffic: true }], 30), ['blue           >green'], 'the traffic lane marked');
  const narrow = laneLabelRows(
    [
      { first: 0, count: 4, label: 'Deployment/shop/checkout' },
      { first: 4, count: 4, label: 'Deployment/shop/frontend' },
      { first: 8, count: 22, label: 'Deployment/demo/scale-demo' },
    ],
    30,
  );
  t.same(narrow, ['checko… scale-demo', '    frontend'], 'two staggered rows when lanes are narrow, each up to the lane after next');
});
