// `npm run bench:e2e`: end to end, from a write to the simulator (in its own process) to the
// pixels of a virtual board (the real firmware core) that gets its frames over MQTT from the
// bridge's embedded broker, as in the demo (flush window 20 ms, 60 LEDs, 20 pods of one node).
// Each probe turns one pod Succeeded (or back to Running): both states are still on the strip,
// so the first render whose pixels differ from those before the write is the write arriving.
// Probes wait for the strip to be still, so every one starts from a quiet board. Prints p50,
// p99 and max; last line `e2e-p99-ms: N` (target <= 25). `--small` (or BENCH_SMALL=1): fewer probes.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigText } from '../../bridge/sim/kubeconfig.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import { mqttBoard } from '../bridge/harness.ts';

const small = process.argv.includes('--small') || process.env.BENCH_SMALL === '1';
const PODS = 20;
const probes = small ? 30 : 300;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const simProc = fork('bin/run.js', ['test/bench/bridge-sim.ts', '--pods', String(PODS), '--nodes', '1'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const answers: ((m: never) => void)[] = [];
simProc.on('message', (m) => answers.shift()?.(m as never));
const ask = <T>(msg?: object) =>
  new Promise<T>((resolve) => {
    answers.push(resolve as never);
    if (msg) simProc.send(msg);
  });
const { url } = await ask<{ url: string }>();

const dir = mkdtempSync(join(tmpdir(), 'podlights-e2e-'));
const kubeconfig = join(dir, 'kubeconfig');
writeFileSync(kubeconfig, kubeconfigText([{ name: 'eu', url }]));
const config = loadConfig({ env: {}, overrides: { kubeconfig, broker: { port: 0, boardPassword: 'bench' }, http: { enabled: false }, flushMs: 20 } });
const running = await startBridge(config, () => {});

// The board (the test harness's: the firmware core over MQTT, like a real board). Every render is
// timed: its render loop calls tick(), which says whether it drew.
let renders: [number, Uint8Array][] = [];
const { board, stop: stopBoard } = await mqttBoard({ url: `mqtt://127.0.0.1:${running.broker!.port}`, boardId: 'bench-e2e', password: 'bench' });
const tick = board.tick.bind(board);
board.tick = () => {
  const drew = tick();
  if (drew) renders.push([now(), board.pixels.slice()]);
  return drew;
};

const lit = () => {
  let n = 0;
  for (let i = 0; i < board.pixels.length; i += 3) if (board.pixels[i] + board.pixels[i + 1] + board.pixels[i + 2] > 0) n++;
  return n;
};
for (let k = 0; lit() < PODS; k++) {
  if (k > 600) throw new Error(`the board never showed ${PODS} pods (it shows ${lit()})`);
  await sleep(50);
}

/** Waits until nothing was drawn for 60 ms (at most 2 s): the strip is still. */
async function still(): Promise<void> {
  for (let k = 0; k < 200; k++) {
    const last = renders.length ? renders[renders.length - 1][0] : 0;
    if (now() - last >= 60) return;
    await sleep(10);
  }
}

const latencies: number[] = [];
let missed = 0;
const done = new Array<boolean>(PODS).fill(false);
for (let p = 0; p < probes; p++) {
  await still();
  const before = board.pixels.slice();
  renders = [];
  const i = p % PODS;
  done[i] = !done[i];
  const { at } = await ask<{ at: number }>({ cmd: 'finish', index: i, done: done[i] });
  let hit: number | undefined;
  for (let k = 0; hit === undefined && k < 1000; k++) {
    hit = renders.find(([t, px]) => t >= at && px.some((v, j) => v !== before[j]))?.[0];
    if (hit === undefined) await sleep(2);
  }
  if (hit === undefined) missed++;
  else latencies.push(hit - at);
}

console.log(`${probes} writes, each to a quiet board of ${PODS} pods on 60 LEDs: simulator write -> bridge -> embedded broker -> virtual board's pixels`);
console.log(`latency p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms${missed ? `, ${missed} never drawn` : ''} (target p99 <= 25)`);
await stopBoard();
await running.stop();
simProc.send({ cmd: 'stop' });
await new Promise((r) => simProc.once('exit', r));
rmSync(dir, { recursive: true, force: true });
console.log(`e2e-p99-ms: ${percentile(latencies, 99).toFixed(2)}`);
process.exit(0);
