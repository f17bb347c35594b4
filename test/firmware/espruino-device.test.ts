// The real Espruino firmware file (firmware/build.ts output for esp32-ws2812) runs in an
// Espruino-shaped vm with stand-ins for the APIs it uses (espruino-device.ts): it reads WiFi,
// broker and board id from the Storage file podlights.json, says HELLO on connect, takes a
// snapshot from MQTT, and writes the same pixels as the virtual board, in the strip's GRB order.
import t from 'tap';
import vm from 'node:vm';
import { getBoard } from '../../boards/index.ts';
import { buildEspruinoBoard } from '../../firmware/build.ts';
import { MSG } from '../../protocol/index.ts';
import { espruinoDevice, playSnapshot } from './espruino-device.ts';

t.test('esp32-ws2812 file on an Espruino stand-in', async (t) => {
  const board = getBoard('esp32-ws2812');
  const code = await buildEspruinoBoard(board);
  const settings = { boardId: 'desk-1', ssid: 'lab', password: 'secret-pw', mqttHost: 'broker.lan', mqttPassword: 's3cret' };
  t.notMatch(code, /secret-pw|broker\.lan|desk-1/, 'no per-board settings in the build');
  const dev = espruinoDevice(new Map([['podlights.json', JSON.stringify(settings)]]));
  const { inits, published, subscribed, writes } = dev;
  vm.runInContext(code, dev.ctx);
  t.equal(inits.length, 1, 'starts from E.on("init") (after save())');
  inits[0]();
  t.same(dev.console, ['podlights-fw/0.1.0 desk-1'], 'start line on the console (what podlights flash waits for)');
  t.same(dev.wifi, [['lab', 'secret-pw']], 'WiFi from the settings file');
  t.same(dev.mqttCreated, [['broker.lan', { port: undefined, client_id: 'desk-1', username: 'desk-1', password: 's3cret' }]], 'broker from the settings file (the module defaults the port to 1883), user defaults to the board id');
  t.same(subscribed, ['podlights/desk-1/frames', 'podlights/desk-1/snapshot', 'podlights/bridge/state'], 'subscribes');
  t.equal(published[0]?.[0], 'podlights/desk-1/hello', 'HELLO on connect');
  t.equal(published[0][1].charCodeAt(6), MSG.HELLO);

  const sent = playSnapshot(dev, 'podlights/desk-1/snapshot');
  t.ok(writes.length > 0, 'neopixel.write called');
  t.same(writes[writes.length - 1], sent.grb, 'same pixels as the virtual board, GRB order');
});

t.test('without a settings file: board id = profile name', async (t) => {
  const dev = espruinoDevice();
  vm.runInContext(await buildEspruinoBoard(getBoard('esp32-ws2812')), dev.ctx);
  dev.inits[0]();
  t.same(dev.console, ['podlights-fw/0.1.0 esp32-ws2812']);
  t.equal(dev.subscribed[0], 'podlights/esp32-ws2812/frames');
});
