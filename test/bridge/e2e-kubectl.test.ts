// kubectl drives the simulator; the bridge carries it over a real broker (Debian's mosquitto) to
// a virtual board running the real firmware: scale, a rolling update with its progress in the
// new revision's tint, and a board that reboots mid-rollout and is right from the retained
// snapshot alone.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import { Mosquitto, mosquittoSkip } from '../transports/helpers/mosquitto.ts';
import { kubectl, kubectlMissing, mqttBoard, paleYellow, simWithKubeconfig, until, WEB_DEPLOYMENT, yellow } from './harness.ts';

const skip = kubectlMissing() || mosquittoSkip();

t.test('kubectl -> simulator -> bridge -> mosquitto -> virtual board', { skip: skip ? `skipped: ${skip}` : false }, async (t) => {
  const dir = t.testdir({});
  const { sim, kubeconfig } = await simWithKubeconfig(dir);
  t.teardown(() => sim.stop());
  const broker = new Mosquitto();
  await broker.start();
  t.teardown(() => broker.stop());
  const config = loadConfig({ env: {}, overrides: { kubeconfig, mqtt: { url: broker.url }, http: { enabled: false }, flushMs: 20, retainEveryMs: 0 } });
  const running = await startBridge(config, () => {});
  t.teardown(() => running.stop());
  const first = await mqttBoard({ url: broker.url, boardId: 'desk-1' });

  const manifest = join(dir, 'web.yaml');
  writeFileSync(manifest, WEB_DEPLOYMENT);
  await kubectl(kubeconfig, 'apply', '-f', manifest);
  await kubectl(kubeconfig, 'scale', 'deployment/web', '--replicas=4');
  await until('4 yellow LEDs', () => yellow(first.board.pixels) === 4);
  t.pass(`kubectl scale: ${first.board.ascii()}`);

  const snapshotsBefore = first.board.stats.snapshots;
  await kubectl(kubeconfig, 'set', 'image', 'deployment/web', 'web=demo/web:2');
  await until('the new revision in its tint', () => paleYellow(first.board.pixels) > 0);
  t.pass(`rolling update in progress, new revision tinted: ${first.board.ascii()}`);
  t.equal(first.board.stats.snapshots, snapshotsBefore, 'a synced board ignores the republished retained snapshot');

  // The board loses power mid-rollout. Its successor says nothing: the retained snapshot alone
  // must make it right, and the deltas that follow must continue it without a resync.
  await first.stop();
  const rebooted = await mqttBoard({ url: broker.url, boardId: 'desk-1', sayHello: false });
  t.teardown(() => rebooted.stop());
  await until('the retained snapshot applied', () => rebooted.client.stats.snapshotFrames > 0, 5000);
  await until('the retained state on the strip', () => yellow(rebooted.board.pixels) + paleYellow(rebooted.board.pixels) > 0, 2000);
  t.equal(rebooted.client.stats.upstream, 0, `right from the retained snapshot, without a word to the bridge: ${rebooted.board.ascii()}`);

  await kubectl(kubeconfig, 'rollout', 'status', 'deployment/web', '--timeout=60s');
  await until('only the new revision, plain yellow, 4 LEDs', () => yellow(rebooted.board.pixels) === 4 && paleYellow(rebooted.board.pixels) === 0);
  t.pass(`rollout done: ${rebooted.board.ascii()}`);
  t.equal(rebooted.client.stats.upstream, 0, 'the rebooted board never had to ask for anything');
});
