// The command-line side of local boards: the flags' boards, and `boards --detect` with a
// stand-in USB bus and a real mDNS responder on loopback.
import t from 'tap';
import { createSocket } from 'node:dgram';
import mdns from 'multicast-dns';
import { addLocalFlags, localFlagBoards, normalizeOptionalFlags } from '../../bridge/local/flags.ts';
import { printDetectedLights } from '../../bridge/local/detect.ts';
import { localBoardSpecs, routeLocalBoards } from '../../bridge/local/outputs.ts';
import { loadConfig } from '../../bridge/config/load.ts';
import { blink1, blinkstick, StandInBus } from './hid-standin.ts';

t.test('a bare --blinkstick means every USB light', async (t) => {
  t.same(normalizeOptionalFlags(['--blinkstick']), ['--blinkstick=']);
  t.same(normalizeOptionalFlags(['--blinkstick', '--blinkt']), ['--blinkstick=', '--blinkt']);
  t.same(normalizeOptionalFlags(['--blinkstick', 'BS1-3.0']), ['--blinkstick', 'BS1-3.0']);
});

t.test('flags become boards with the defaults, so each shows all selected pods', async (t) => {
  const config = loadConfig({ env: {}, overrides: { nodeName: 'pi-1', boardDefaults: { lanes: 'node' } } });
  addLocalFlags(config, { wled: ['10.0.0.7', 'desk.local:5000'], blinkstick: ['', 'BS000001-3.0'], blinkt: true });
  t.same(config.boards.map((b) => b.id), ['wled-10-0-0-7', 'wled-desk-local', 'usb-bs000001-3-0', 'blinkt-pi-1']);
  t.ok(config.boards.every((b) => b.lanes === 'node'), 'board defaults apply');
  t.equal((config as { usbLights?: boolean }).usbLights, true);
  const specs = localBoardSpecs(config.boards);
  t.same(specs.map((s) => s.sinks.map((k) => k.name)), [['wled:10.0.0.7'], ['wled:desk.local'], ['usb:BS000001-3.0'], ['blinkt']]);
  t.match(specs[3], { profile: 'rpi-blinkt', ledCount: 8 });
  t.ok(routeLocalBoards(config.boards).every((b) => b.transport === 'local'));
  t.throws(() => addLocalFlags(config, { blinkt: true }), /board 'blinkt-pi-1' from the command line is also in the config/);
  t.throws(() => localFlagBoards({ wled: ['a:b:c'] }, config.boardDefaults), /--wled: 'a:b:c' is not HOST or HOST:PORT/);
});

t.test('an output missing what it needs is named', async (t) => {
  t.throws(() => localBoardSpecs([{ id: 'x', lanes: 'cluster', layout: 'compact', brightness: 1, showAll: false, outputs: [{ type: 'apa102-gpio', data: 5 }] }]), /boards.x.outputs.0: output 'apa102-gpio' needs 'clock'/);
});

t.test('boards --detect lists USB lights and WLED controllers, with the flag to drive each', async (t) => {
  const bus = new StandInBus();
  bus.add(blinkstick('BS000042-3.0', 0x200, 8));
  bus.add(blink1('3a0b0c99'));
  const socket = createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const responder = mdns({ socket, multicast: false, port: 0 } as never);
  responder.on('query', (_q, rinfo) => {
    responder.respond({
      answers: [{ name: '_wled._tcp.local', type: 'PTR', data: 'kitchen._wled._tcp.local' }],
      additionals: [
        { name: 'kitchen._wled._tcp.local', type: 'SRV', data: { target: 'wled-kitchen.local', port: 80 } },
        { name: 'wled-kitchen.local', type: 'A', data: '127.0.0.9' },
      ],
    }, rinfo);
  });
  t.teardown(() => new Promise<void>((resolve) => responder.destroy(() => resolve())));
  const lines: string[] = [];
  const found = await printDetectedLights((l) => lines.push(l), { hid: bus, mdns: { timeoutMs: 2000, mdns: { multicast: false, port: 0 } as never, to: { address: '127.0.0.1', port: socket.address().port } } });
  t.same(found.map((f) => f.flag), ['--blinkstick BS000042-3.0', '--blinkstick 3a0b0c99', '--wled 127.0.0.9']);
  t.match(lines[0], /^kind\s+model\s+id\s+LEDs\s+drive it with$/);
  t.match(lines[1], /usb\s+blinkstick-square\s+BS000042-3.0\s+8\s+podlights bridge --blinkstick BS000042-3.0/);
  t.match(lines[3], /wled\s+wled\s+kitchen \(wled-kitchen.local 127.0.0.9\)/);
  const none: string[] = [];
  await printDetectedLights((l) => none.push(l), { hid: new StandInBus(), mdns: { timeoutMs: 100, mdns: { multicast: false, port: 0 } as never, to: { address: '127.0.0.1', port: 9 } } });
  t.match(none, [/no USB lights .* no WLED controllers/]);
});
