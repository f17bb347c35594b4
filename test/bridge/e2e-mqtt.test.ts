// The whole chain as a user runs it: simulator -> bridge (real client-node) -> embedded broker
// with board authentication -> a virtual board running the real firmware, connected over MQTT
// like a real board. Scaling a labelled deployment lights exactly that many LEDs in its color.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import { MqttBoardClient } from '../../bridge/transports/mqtt/board-client.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { MSG } from '../../protocol/index.ts';

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** LEDs whose color is yellow (red and green lit alike, no blue), as the seed's ffff00. */
function yellowLeds(px: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < px.length; i += 3) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
    if (r > 20 && g > 20 && b < 8 && Math.abs(r - g) <= 4) n++;
  }
  return n;
}

t.test('scale a labelled deployment: the virtual board lights that many yellow LEDs', async (t) => {
  const sim = new SimCluster({ name: 'eu', speed: 20 });
  await sim.start();
  t.teardown(() => sim.stop());
  const dir = t.testdir({});
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText([{ name: 'eu', url: sim.url }]));
  const config = loadConfig({
    env: {},
    overrides: { kubeconfig, broker: { port: 0, boardPassword: 'board-secret' }, http: { port: 0 }, flushMs: 20 },
  });
  const logs: string[] = [];
  const running = await startBridge(config, (l) => logs.push(l));
  t.teardown(() => running.stop());

  let client: MqttBoardClient | undefined;
  const board = new VirtualBoard({
    boardId: 'desk-1',
    onSend: (frame) => client?.sendUpstream(frame, frame[6] === MSG.RESYNC ? 'resync' : 'hello'),
  });
  client = new MqttBoardClient({
    url: `mqtt://127.0.0.1:${running.broker!.port}`,
    boardId: 'desk-1',
    password: 'board-secret',
    onFrame: (frame, source) => (source === 'snapshot' ? board.receiveRetained(frame) : board.receive(frame)),
    onConnect: () => board.hello(),
    onBridgeOnline: () => board.hello(),
  });
  board.start();
  await client.start();
  t.teardown(async () => {
    board.stop();
    await client!.stop();
  });

  // The test drives the simulator with client-node's API client (the bridge does not load it).
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const apps = kc.makeApiClient(AppsV1Api);
  await apps.createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 5,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web', blinkt: 'show', blinktColor: 'ffff00' } },
          spec: { containers: [{ name: 'web', image: 'demo/web:1' }] },
        },
      },
    },
  });
  await until('5 yellow LEDs', () => yellowLeds(board.pixels) === 5);
  t.pass(`5 yellow LEDs: ${board.ascii()}`);

  // Read-modify-write, retried on 409 as every Kubernetes client must: the controller updates
  // the Deployment's status between our read and our write.
  for (let attempt = 0; ; attempt++) {
    const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    d.spec!.replicas = 2;
    try {
      await apps.replaceNamespacedDeployment({ namespace: 'default', name: 'web', body: d });
      break;
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || attempt >= 20) throw err;
    }
  }
  await until('2 yellow LEDs after scaling down', () => yellowLeds(board.pixels) === 2);
  t.pass(`2 yellow LEDs: ${board.ascii()}`);

  const metrics = await (await fetch(`http://127.0.0.1:${running.ops!.port}/metrics`)).text();
  t.match(metrics, /podlights_board_online\{board="desk-1",transport="mqtt"\} 1/);
  const ready = await fetch(`http://127.0.0.1:${running.ops!.port}/readyz`);
  t.equal(ready.status, 200, 'ready');
});
