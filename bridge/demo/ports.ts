// Whether a TCP port can be listened on, so a default port that is taken (a mosquitto on 1883,
// something on 8080) becomes a free one instead of an error.
import { createServer } from 'node:net';

export function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
