// A label color that an LED shows like a state color (blinktColor ff0000 is crash red) is
// warned about, once per workload and color, by the view and by the bridge's log.
import t from 'tap';
import { BoardView } from '../../bridge/view/board-view.ts';
import type { BoardViewConfig } from '../../bridge/view/board-view.ts';
import { cluster, pod, workload } from './fixtures.ts';

const config = (over: Partial<BoardViewConfig> = {}): BoardViewConfig => ({
  boardId: 'b', ledCount: 60, lanes: 'cluster', layout: 'compact', brightness: 128, ...over,
});

t.test('blinktColor ff0000 is warned about once; a distinct color is not', async (t) => {
  const view = new BoardView(config());
  const red = (name: string) => pod({ name, owner: { kind: 'StatefulSet', name: 'db' }, labels: { blinkt: 'show', blinktColor: 'ff0000' } });
  const teal = pod({ name: 'w', owner: { kind: 'StatefulSet', name: 'web' }, labels: { blinkt: 'show', blinktColor: '00ff00' } });
  const workloads = [workload({ kind: 'StatefulSet', name: 'db' }), workload({ kind: 'StatefulSet', name: 'web' })];
  view.compute([cluster('eu', { pods: [red('db-0'), red('db-1'), teal], workloads })]);
  const warnings = view.takeColorWarnings();
  t.equal(warnings.length, 1);
  t.match(warnings[0], /StatefulSet\/default\/db: label color ff0000 looks like red on an LED, which means a crash-looping or failed pod/);
  view.compute([cluster('eu', { pods: [red('db-0'), teal], workloads })]);
  t.same(view.takeColorWarnings(), [], 'said once');
});
