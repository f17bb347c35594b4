// Board profiles validate against the schema, and the firmware build makes a file for each
// firmware profile with its settings baked in and within budget.
import t from 'tap';
import { allBoards, listBoards, validateBoard } from '../../boards/index.ts';
import { baked, buildEspruinoBoard, buildNodemcu, flashConfig } from '../../firmware/build.ts';

const required = ['esp32-ws2812', 'espruino-pico-apa102-usb', 'esp8266-nodemcu-ws2812', 'esp32-nodemcu-ws2812', 'rpi-blinkt', 'virtual-60'];

t.test('profiles', async (t) => {
  t.same(listBoards().filter((b) => required.includes(b)).sort(), [...required].sort(), 'every required profile exists');
  for (const b of allBoards()) t.ok(validateBoard(structuredClone(b)).ok, `${b.name} validates`);
  t.notOk(validateBoard({ name: 'x', runtime: 'espruino' }).ok, 'an incomplete profile is rejected');
  const blinkt = allBoards().find((b) => b.name === 'rpi-blinkt')!;
  t.same([blinkt.ledCount, blinkt.chip, blinkt.pins.data, blinkt.pins.clock], [8, 'apa102', 23, 24], 'Blinkt: 8 APA102 on GPIO23/24');
});

t.test('firmware files', async (t) => {
  const config = flashConfig(undefined, { PODLIGHTS_WIFI_SSID: 'lab', PODLIGHTS_WIFI_PASSWORD: 'pw' });
  for (const b of allBoards()) {
    if (b.runtime === 'espruino') {
      const code = await buildEspruinoBoard(b, config);
      t.match(code, `boardId:"${b.name}"`, `${b.name}: settings baked in (inlined at build time)`);
      t.ok(code.length <= 12 * 1024, `${b.name}: ${code.length} bytes, within the 12 KB budget`);
    } else if (b.runtime === 'lua5.1' || b.runtime === 'lua5.3') {
      const code = buildNodemcu(b, config);
      t.match(code, `ledCount=${b.ledCount}`, `${b.name}: settings baked in`);
      t.ok(code.length < 24 * 1024, `${b.name}: ${code.length} bytes, under 24 KB`);
    }
  }
  t.equal(baked(allBoards().find((b) => b.name === 'esp32-ws2812')!, config).ssid, 'lab', 'credentials come from the flash-time config');
});
