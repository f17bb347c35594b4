// A local board in the whole bridge: the simulator, the real bridge assembly (startBridge), a
// board configured with a WLED output (the stand-in controller on loopback UDP). The board says
// HELLO through the link like any board, is listed in /boards, and the pods show on the strip.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import type { LocalTransport } from '../../bridge/local/transport.ts';
import { simWithKubeconfig, until } from '../bridge/harness.ts';
import { StandInWled } from './wled-standin.ts';

const lit = (px: Uint8Array | Buffer) => {
  let n = 0;
  for (let i = 0; i < px.length; i += 3) if (px[i] + px[i + 1] + px[i + 2] > 0) n++;
  return n;
};

t.test('a WLED board driven by the bridge: HELLO, /boards, pods on the strip', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'podlights-local-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const { sim, kubeconfig } = await simWithKubeconfig(dir);
  t.teardown(() => sim.stop());
  const wled = new StandInWled(30);
  await wled.start();
  t.teardown(() => wled.stop());
  const config = loadConfig({
    env: {},
    overrides: {
      kubeconfig,
      broker: { port: 0 },
      http: { port: 0 },
      flushMs: 20,
      boards: [{ id: 'shelf', outputs: [{ type: 'wled', host: '127.0.0.1', port: wled.ddpPort, httpUrl: wled.httpUrl }] }],
    },
  });
  const running = await startBridge(config, () => {});
  t.teardown(() => running.stop());
  const local = running.transports.find((x) => x.name === 'local') as LocalTransport;
  t.ok(local, 'the local transport runs beside MQTT');

  const boards = async () => (await (await fetch(`http://127.0.0.1:${running.ops!.port}/boards`)).json()) as { boardId: string; transport: string; online: boolean; ledCount: number; profile: string }[];
  let listed: Awaited<ReturnType<typeof boards>>[number] | undefined;
  for (let i = 0; i < 200 && !listed?.online; i++) {
    listed = (await boards()).find((b) => b.boardId === 'shelf');
    if (!listed?.online) await new Promise((r) => setTimeout(r, 50));
  }
  t.match(listed, { boardId: 'shelf', transport: 'local', online: true, ledCount: 30, profile: 'local-wled' }, '/boards lists the local board, LED count from WLED');

  // The test drives the simulator with client-node's API client (the bridge does not load it).
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', blinkt: 'show', blinktColor: 'ffff00' } }, spec: { containers: [{ name: 'web', image: 'demo/web:1' }] } } },
    } as never,
  });
  const board = local.board('shelf')!;
  await until('three pods on the WLED strip', () => board.board.core.model.podCount() === 3 && lit(wled.shown) >= 3 && Buffer.compare(wled.shown, Buffer.from(board.pixels)) === 0);
  t.pass('the stand-in WLED shows exactly the board pixels, three pods lit');
  t.same(wled.problems, [], 'every DDP packet per the spec');
  const health = local.health();
  t.equal(health.state, 'up');
  t.match(health.counters, { hellos: 1, badUpstream: 0 });
  t.ok(health.counters.frames > 0, 'sink counters in the transport health');
});
