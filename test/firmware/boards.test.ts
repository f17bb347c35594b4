// Board profiles validate against the schema, and the firmware build makes a file for each
// firmware profile with its profile baked in, within budget, and no per-board settings in it.
import t from 'tap';
import { allBoards, listBoards, validateBoard } from '../../boards/index.ts';
import { baked, buildArgs, buildEspruinoBoard, buildNodemcu } from '../../firmware/build.ts';

const required = ['esp32-ws2812', 'espruino-pico-apa102-usb', 'esp8266-nodemcu-ws2812', 'esp32-nodemcu-ws2812', 'rpi-blinkt', 'virtual-60'];

t.test('profiles', async (t) => {
  t.same(listBoards().filter((b) => required.includes(b)).sort(), [...required].sort(), 'every required profile exists');
  for (const b of allBoards()) t.ok(validateBoard(structuredClone(b)).ok, `${b.name} validates`);
  t.notOk(validateBoard({ name: 'x', runtime: 'espruino' }).ok, 'an incomplete profile is rejected');
  const blinkt = allBoards().find((b) => b.name === 'rpi-blinkt')!;
  t.same([blinkt.ledCount, blinkt.chip, blinkt.pins.data, blinkt.pins.clock], [8, 'apa102', 23, 24], 'Blinkt: 8 APA102 on GPIO23/24');
});

t.test('firmware files', async (t) => {
  for (const b of allBoards()) {
    if (b.runtime === 'espruino') {
      const code = await buildEspruinoBoard(b);
      t.match(code, `"${b.name}"`, `${b.name}: profile baked in (inlined at build time)`);
      t.match(code, 'readJSON("podlights.json",1)', `${b.name}: per-board settings read from Storage`);
      t.ok(code.length <= 12 * 1024, `${b.name}: ${code.length} bytes, within the 12 KB budget`);
    } else if (b.runtime === 'lua5.1' || b.runtime === 'lua5.3') {
      const code = buildNodemcu(b);
      t.match(code, `ledCount=${b.ledCount}`, `${b.name}: profile baked in`);
      t.match(code, '"podlights.cfg"', `${b.name}: per-board settings read from podlights.cfg`);
      t.ok(code.length < 24 * 1024, `${b.name}: ${code.length} bytes, under 24 KB`);
    }
  }
  const pl = baked(allBoards().find((b) => b.name === 'esp32-ws2812')!);
  for (const key of ['ssid', 'password', 'mqttHost', 'mqttUser', 'mqttPassword', 'boardId']) t.notOk(key in pl, `no ${key} in the build`);
});

t.test('build:firmware arguments', async (t) => {
  t.same(buildArgs(['--board', 'esp32-ws2812']), { board: 'esp32-ws2812', help: false });
  t.throws(() => buildArgs(['--board', 'esp33']), /^unknown board profile 'esp33' \(known: /, 'unknown profile');
  t.throws(() => buildArgs(['--bored', 'x']), /^unknown flag '--bored'/, 'unknown flag');
  t.throws(() => buildArgs(['--board']), /--board needs a profile name/);
  t.throws(() => buildArgs(['--board', 'rpi-blinkt']), /no firmware file/);
  t.throws(() => buildArgs(['--config', 'x.json']), /podlights provision/, 'secrets are no longer built in');
});
