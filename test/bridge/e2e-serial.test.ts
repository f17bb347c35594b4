// The bridge drives a board over a real pseudo-terminal pair (socat), as over a USB serial cable:
// COBS stream framing both ways, the board found by its HELLO, pods lit after kubectl scale.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { loadConfig } from '../../bridge/config/load.ts';
import { startBridge } from '../../bridge/app.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { Deframer, fromBinaryString, streamFrame, toBinaryString } from '../../protocol/index.ts';
import { PtyPair, socatSkip } from '../transports/helpers/socat.ts';
import { kubectl, kubectlMissing, simWithKubeconfig, until, WEB_DEPLOYMENT, yellow } from './harness.ts';

const skip = socatSkip() || kubectlMissing();

t.test('kubectl -> simulator -> bridge -> USB serial (pty) -> board', { skip: skip ? `skipped: ${skip}` : false }, async (t) => {
  const dir = t.testdir({});
  const { sim, kubeconfig } = await simWithKubeconfig(dir);
  t.teardown(() => sim.stop());
  const pty = new PtyPair();
  await pty.start();
  t.teardown(() => pty.stop());

  // The board's end opens first: opening a tty flushes its input.
  const port = new SerialPort({ path: pty.board, baudRate: 115200 });
  await new Promise<void>((resolve, reject) => port.once('open', () => resolve()).once('error', reject));
  t.teardown(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  const board = new VirtualBoard({
    boardId: 'pico-1',
    profile: 'espruino-pico-apa102-usb',
    ledCount: 30,
    onSend: (frame) => port.write(Buffer.from(streamFrame(frame))),
  });
  const deframer = new Deframer(
    (frame) => board.receive(fromBinaryString(frame)),
    () => {},
  );
  port.on('data', (chunk: Buffer) => deframer.push(toBinaryString(chunk)));

  const config = loadConfig({ env: {}, overrides: { kubeconfig, serial: [{ path: pty.host }], http: { enabled: false }, broker: { port: 0 }, flushMs: 20, heartbeatTimeoutMs: 1500 } });
  let running = await startBridge(config, () => {});
  t.teardown(() => running.stop());
  board.start();
  t.teardown(() => board.stop());
  // A board on a cable says HELLO when it boots; this one boots after the bridge opened the port.
  await until('the serial transport is up', () => running.transports.some((tr) => tr.name.startsWith('serial') && tr.health().state !== 'down'));
  board.hello();
  await until('the bridge knows the board', () => running.bridge.link.board('pico-1')?.online === true);

  const manifest = join(dir, 'web.yaml');
  writeFileSync(manifest, WEB_DEPLOYMENT);
  await kubectl(kubeconfig, 'apply', '-f', manifest);
  await kubectl(kubeconfig, 'scale', 'deployment/web', '--replicas=3');
  await until('3 yellow LEDs over the cable', () => yellow(board.pixels) === 3);
  t.pass(`serial board: ${board.ascii()}`);
  const serial = running.transports.find((tr) => tr.name.startsWith('serial'))!;
  t.ok(serial.health().counters.framesWritten > 0, `${serial.health().counters.framesWritten} frames went over the cable`);
  t.equal(deframer.stats.bad, 0, 'no broken blocks on the wire');

  // The bridge restarts; the board on the cable stays powered and knows nothing of it. Its link
  // goes stale, it says HELLO again, and the new bridge brings it back to the truth.
  await running.stop();
  running = await startBridge(config, () => {});
  await kubectl(kubeconfig, 'scale', 'deployment/web', '--replicas=4');
  await until('4 yellow LEDs after the bridge restarted', () => yellow(board.pixels) === 4, 15_000);
  t.pass(`back in step after a bridge restart: ${board.ascii()}`);
});
