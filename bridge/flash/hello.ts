// Reading HELLO frames out of a console's byte stream: a podlights board on a serial transport
// announces itself with COBS-framed HELLOs among whatever else the console printed.
import { MSG, StreamDecoder } from '../../protocol/index.ts';
import type { Hello } from '../../protocol/index.ts';

/** Calls onHello for each HELLO, and onOther for any other valid frame (a RESYNC, say). */
export function helloReader(onHello: (hello: Hello) => void, onOther: () => void = () => undefined): StreamDecoder {
  return new StreamDecoder({
    onFrame: (f) => {
      const m = f.messages[0];
      if (m && m.type === MSG.HELLO) onHello(m);
      else onOther();
    },
  });
}
