// The Blinkt/APA102 sinks: edges on a stand-in GPIO line pair (and bytes on a stand-in SPI bus),
// decoded as an APA102 chain would read them, equal the golden pixels of every conformance
// trace: start frame, 0b111 + brightness, blue-green-red, end frame.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { Apa102GpioSink } from '../../bridge/local/apa102/gpio.ts';
import { Apa102SpiSink } from '../../bridge/local/apa102/spi.ts';
import { apa102Frame, endFrameBytes } from '../../bridge/local/apa102/frame.ts';
import { chipNumber } from '../../bridge/local/apa102/libgpiod.ts';
import { spidevPath } from '../../bridge/local/apa102/spidev.ts';
import { traces } from '../firmware/traces.ts';
import { Apa102Chain, decodeApa102, RecordingLines } from './gpio-standin.ts';
import { goldenSamples, replayLocal } from './replay.ts';

const hex = (a: ArrayLike<number>) => Buffer.from(Array.from(a)).toString('hex');

t.test('GPIO edges decode to the golden pixels of every conformance trace', async (t) => {
  for (const trace of traces()) {
    const golden = goldenSamples(readFileSync(new URL(`../firmware/golden/${trace.name}.txt`, import.meta.url), 'utf8'));
    const lines = new RecordingLines();
    const sink = new Apa102GpioSink({ name: 'blinkt', data: 23, clock: 24, lines });
    await sink.open();
    t.same(lines.requests, [{ chip: 'auto', offsets: [23, 24], consumer: 'podlights' }], `${trace.name}: both Blinkt lines requested`);
    let checked = 0;
    // What a real chain shows: every frame clocked in is checked (start frame, 0b111 and
    // brightness 31, BGR, end frame) and the last one stays lit.
    const chain = new Apa102Chain(trace.ledCount);
    replayLocal(trace, [sink], (now, board) => {
      chain.feed(lines.takeBytes(23, 24));
      t.equal(hex(chain.pixels), hex(board.pixels), `${trace.name} t=${now}: the chain shows the board's pixels`);
      t.equal(hex(chain.pixels), golden.get(now), `${trace.name} t=${now}: equal the golden file`);
      checked++;
    }, () => chain.feed(lines.takeBytes(23, 24)));
    t.ok(chain.frames > 0 && chain.frames <= sink.health().counters.frames, `${trace.name}: ${chain.frames} frames clocked`);
    t.equal(checked, golden.size, `${trace.name}: every golden sample checked`);
    await sink.close();
    t.equal(lines.released, 1, 'lines released on close');
  }
});

t.test('SPI gets the same bytes as the GPIO lines', async (t) => {
  const trace = traces().find((x) => x.name === 'rolling-update')!;
  const sent: Uint8Array[] = [];
  const spi = new Apa102SpiSink({ device: '/dev/spidev0.0', open: (dev, hz) => {
    t.equal(dev, '/dev/spidev0.0');
    t.equal(hz, 4_000_000);
    return { transfer: (b) => sent.push(Uint8Array.from(b)), close: () => {} };
  } });
  await spi.open();
  const lines = new RecordingLines();
  const gpio = new Apa102GpioSink({ data: 10, clock: 11, lines });
  await gpio.open();
  let n = 0;
  const clocked: number[] = [];
  replayLocal(trace, [spi, gpio], () => {
    clocked.push(...lines.takeBytes(10, 11));
    n++;
  }, () => clocked.push(...lines.takeBytes(10, 11)));
  t.equal(hex(clocked), hex(Buffer.concat(sent)), 'byte for byte the same stream');
  t.ok(n > 5);
  t.equal(spi.health().counters.frames, sent.length);
});

t.test('frame layout and end frame length', async (t) => {
  const px = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  t.equal(hex(apa102Frame(px)), '00000000' + 'ff030201' + 'ff060504' + '00000000');
  t.equal(endFrameBytes(8), 4);
  t.equal(endFrameBytes(144), 9, '144 LEDs need 72 extra edges: 9 bytes');
  const frame = decodeApa102(Array.from(apa102Frame(new Uint8Array(144 * 3).fill(7))), 144);
  t.equal(frame.pixels.length, 432);
});

t.test('a failing line is counted, never thrown', async (t) => {
  const sink = new Apa102GpioSink({ data: 23, clock: 24, lines: { request: () => ({ set: () => { throw new Error('EIO'); }, release: () => {} }) } });
  await sink.open();
  sink.write(new Uint8Array(24));
  t.equal(sink.health().counters.writeErrors, 1);
  t.match(sink.health().detail, /EIO/);
  t.throws(() => new Apa102GpioSink({ data: 5, clock: 5 }), /different pins/);
});

t.test('chip and spidev names', async (t) => {
  t.equal(chipNumber('/dev/gpiochip4'), 4);
  t.equal(chipNumber('gpiochip0'), 0);
  t.equal(chipNumber('auto'), undefined);
  t.throws(() => chipNumber('/dev/ttyUSB0'), /not a \/dev\/gpiochipN/);
  t.same(spidevPath('/dev/spidev1.2'), { bus: 1, device: 2 });
  t.throws(() => spidevPath('spi0'), /not a \/dev\/spidevB.D/);
});

const hasGpio = existsSync('/dev/gpiochip0');
t.test('without node-libgpiod or a GPIO chip the sink says what is missing', { skip: hasGpio ? 'skipped: this machine has a GPIO chip' : false }, async (t) => {
  // node-libgpiod is an optional dependency: it is built only where libgpiod-dev is installed.
  const sink = new Apa102GpioSink({ data: 23, clock: 24 });
  await t.rejects(sink.open(), /needs the optional package node-libgpiod|no GPIO chip of a Raspberry Pi header/);
  const numbered = new Apa102GpioSink({ data: 23, clock: 24, chip: '/dev/gpiochip0' });
  await t.rejects(numbered.open(), /node-libgpiod|cannot open \/dev\/gpiochip0/);
  const spi = new Apa102SpiSink({ device: '/dev/spidev0.0' });
  await t.rejects(spi.open(), /needs the optional package spi-device|ENOENT/);
});

t.test('an unchanged frame is not clocked out again; data set only when it changes', async (t) => {
  const lines = new RecordingLines();
  const sink = new Apa102GpioSink({ data: 23, clock: 24, lines });
  await sink.open();
  const px = Uint8Array.from({ length: 24 }, (_, i) => i * 9);
  sink.write(px);
  const edges = lines.edges.length;
  const dataSets = lines.edges.filter((e) => e.offset === 23).length;
  const bits = (4 + 8 * 4 + 4) * 8;
  t.ok(dataSets < bits, `data set ${dataSets} times for ${bits} bits`);
  t.equal(lines.edges.filter((e) => e.offset === 24).length, bits * 2, 'two clock edges a bit');
  t.equal(hex(decodeApa102(lines.takeBytes(23, 24), 8).pixels), hex(px));
  sink.write(Uint8Array.from(px));
  t.equal(lines.edges.length, 0, 'the same frame again: nothing on the wire');
  t.match(sink.health().counters, { frames: 1, unchanged: 1 });
  px[5] = 1;
  sink.write(px);
  t.ok(lines.edges.length > 0 && edges > 0, 'a change goes out');
  t.equal(hex(decodeApa102(lines.takeBytes(23, 24), 8).pixels), hex(px));
});

t.test('close turns the LEDs off before releasing the lines', async (t) => {
  const lines = new RecordingLines();
  const sink = new Apa102GpioSink({ data: 23, clock: 24, lines });
  await sink.open();
  const chain = new Apa102Chain(8);
  sink.write(new Uint8Array(24).fill(200));
  chain.feed(lines.takeBytes(23, 24));
  t.ok(chain.pixels.every((v) => v === 200));
  await sink.close();
  chain.feed(lines.takeBytes(23, 24));
  t.ok(chain.pixels.every((v) => v === 0), 'dark: a stopped bridge leaves no stale state lit');
  t.equal(lines.released, 1);
  const idle = new Apa102GpioSink({ data: 23, clock: 24, lines });
  await idle.open();
  await idle.close();
  t.equal(lines.edges.length, 0, 'nothing was shown: nothing to turn off');
});
