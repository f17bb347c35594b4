// The blue-green switch on a real API server, with the repository's own demo manifests and the
// real kubectl: a Service selector flip changes no pod, so the strip shows it by dimming the side
// the Service passes over (GROUP_FLAG.IDLE, the color at a quarter). Blue serves while green
// starts dim; `kubectl patch service` flips it; deleting blue leaves green lit.
import t from 'tap';
import { join } from 'node:path';
import { POD_STATE } from '../../protocol/index.ts';
import { record } from './converge.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';
import type { BoardReading } from './truth.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const DEMO = join(import.meta.dirname, '../../deploy/demo');
const BLUE = '00b4ff';
const GREEN = '00ff00';
const quarter = (hex: string) => (((parseInt(hex, 16) >> 2) & 0x3f3f3f) >>> 0).toString(16).padStart(6, '0');

/** Running pods by the color and flag of their group: e.g. "00b4ff lit 4, 003a1d idle 4". */
function picture(b: BoardReading): string {
  const n = new Map<string, number>();
  for (const p of b.pods) {
    if (p.state !== POD_STATE.RUNNING) continue;
    const g = b.groups.get(p.group);
    const k = `${g?.color ?? '?'} ${g?.idle ? 'idle' : 'lit'}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return [...n].map(([k, v]) => `${k} ${v}`).sort().join(', ');
}

t.test('blue-green on a real API server: the waiting side is dimmed, the flip shows', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  const cluster = await realCluster(t);
  const rig = await bridgeOn(t, cluster.kubeconfig);
  const board = rig.boards[0];
  const kubectl = (...args: string[]) => cluster.kubectl(...args);
  const green = await import('node:fs').then((fs) => fs.readFileSync(join(DEMO, 'bluegreen-green.yaml'), 'utf8'));
  t.match(green, new RegExp(`blinktColor: "?${GREEN}`), `the green manifest is ${GREEN} (the premise)`);

  const expect = async (what: string, wanted: string) => {
    const want = wanted.split(', ').sort().join(', ');
    try {
      await cluster.until(what, async () => picture(board.read()) === want, 120_000);
      t.equal(picture(board.read()), want, what);
      record(`blue-green: ${what}`, true);
    } catch (err) {
      record(`blue-green: ${what}`, false, `board shows ${picture(board.read())}`);
      t.fail(`${what}: board shows ${picture(board.read())}`, { diagnostic: true, ascii: board.ascii() });
      throw err;
    }
  };

  await kubectl('apply', '-f', join(DEMO, 'namespace.yaml'), '-f', join(DEMO, 'bluegreen-blue.yaml'), '-f', join(DEMO, 'bluegreen-service.yaml'));
  await expect('blue alone serves at its own color', `${BLUE} lit 4`);
  await kubectl('apply', '-f', join(DEMO, 'bluegreen-green.yaml'));
  await expect('green starts beside blue, dimmed: the Service passes it over', `${BLUE} lit 4, ${quarter(GREEN)} idle 4`);
  await kubectl('-n', 'podlights-demo', 'patch', 'service', 'bluegreen', '-p', '{"spec":{"selector":{"version":"green"}}}');
  await expect('after the selector flip green is lit and blue waits', `${GREEN} lit 4, ${quarter(BLUE)} idle 4`);
  await kubectl('-n', 'podlights-demo', 'delete', 'deployment', 'bluegreen-blue', '--wait=false');
  await expect('blue gone, green serves alone', `${GREEN} lit 4`);
});
