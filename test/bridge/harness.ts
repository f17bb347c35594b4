// Shared pieces of the bridge end-to-end tests: a simulated cluster with a kubeconfig file,
// kubectl, a virtual board on MQTT, and pixel readers.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimCluster } from '../../bridge/sim/cluster.ts';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { MqttBoardClient } from '../../bridge/transports/mqtt/board-client.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { MSG } from '../../protocol/index.ts';

export async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

export function kubectlMissing(): string | false {
  const r = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return r.error ? 'kubectl not installed' : false;
}

export async function simWithKubeconfig(dir: string, speed = 20): Promise<{ sim: SimCluster; kubeconfig: string }> {
  const sim = new SimCluster({ name: 'eu', speed });
  await sim.start();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigText([{ name: 'eu', url: sim.url }]));
  return { sim, kubeconfig };
}

/** Runs kubectl without blocking the event loop: the simulator it talks to lives in this process. */
export function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill(), 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kubectl ${args.join(' ')}: ${err || out}`));
    });
  });
}

export const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 2
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web, blinkt: show, blinktColor: ffff00 }
    spec:
      containers:
        - name: web
          image: demo/web:1
`;

/** A virtual board (the real firmware core) connected over MQTT like a real board. */
export async function mqttBoard(options: { url: string; boardId: string; password?: string; sayHello?: boolean; ledCount?: number; onFrame?: (frame: Uint8Array, source: string) => void }): Promise<{ board: VirtualBoard; client: MqttBoardClient; stop(): Promise<void> }> {
  let client: MqttBoardClient | undefined;
  const board = new VirtualBoard({
    boardId: options.boardId,
    ledCount: options.ledCount,
    onSend: (frame) => client?.sendUpstream(frame, frame[6] === MSG.RESYNC ? 'resync' : 'hello'),
  });
  const hello = () => {
    if (options.sayHello !== false) board.hello();
  };
  client = new MqttBoardClient({
    url: options.url,
    boardId: options.boardId,
    password: options.password,
    anonymous: options.password === undefined,
    onFrame: (frame, source) => {
      // A test may watch the same frames (decode them, keep its own reference state).
      options.onFrame?.(frame, source);
      if (source === 'snapshot') board.receiveRetained(frame);
      else board.receive(frame);
    },
    onConnect: hello,
    onBridgeOnline: hello,
  });
  board.start();
  await client.start();
  return {
    board,
    client,
    stop: async () => {
      board.stop();
      await client!.stop();
    },
  };
}

function leds(px: Uint8Array, match: (r: number, g: number, b: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < px.length; i += 3) if (match(px[i], px[i + 1], px[i + 2])) n++;
  return n;
}

/** The seed's ffff00 as the strip shows it: red and green alike, no blue. */
export const yellow = (px: Uint8Array) => leds(px, (r, g, b) => r > 20 && g > 20 && b < 8 && Math.abs(r - g) <= 4);
/** The new revision's tint of ffff00 during a rollout: paler, so blue is lit too. */
export const paleYellow = (px: Uint8Array) => leds(px, (r, g, b) => r > 20 && Math.abs(r - g) <= 4 && b >= 8 && b < r);
export const lit = (px: Uint8Array) => leds(px, (r, g, b) => r + g + b > 0);
