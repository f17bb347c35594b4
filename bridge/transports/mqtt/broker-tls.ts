// The embedded broker's listeners. Plain TCP by default; with `tls`, MQTT over TLS (mqtts) with
// the server certificate from files (in Kubernetes: a kubernetes.io/tls Secret mounted as a
// volume) and, as with mosquitto's `require_certificate`, optionally a client certificate signed
// by `ca` for every connection. The bridge's own client then uses a plain listener bound to
// 127.0.0.1 only (mosquitto's `listener 1883 localhost` beside `listener 8883`): it needs no
// certificate for itself and the port is reachable only from inside the pod (or the laptop).
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createPlainServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { TLSSocket, createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { SecureContextOptions } from 'node:tls';

export interface BrokerTls {
  /** Server certificate (PEM, leaf first, then its chain). */
  cert: string;
  /** Server private key (PEM). */
  key: string;
  /** CA (PEM) that signs client certificates; given alone, client certificates are optional. */
  ca?: string;
  /** Refuse clients without a certificate signed by `ca` (default false). */
  requireClientCert?: boolean;
}

/** cert-manager and kubelet replace mounted Secret files in place; look for a new one this often. */
const RELOAD_POLL_MS = 30_000;

function read(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`broker.tls.${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The files as a secure context's options, checked now so a bad file fails the start, not the first board. */
export function tlsContextOptions(tls: BrokerTls): SecureContextOptions {
  if (tls.requireClientCert && !tls.ca) throw new Error('broker.tls.requireClientCert needs broker.tls.ca (the CA that signs board certificates)');
  const options: SecureContextOptions = { cert: read(tls.cert, 'cert'), key: read(tls.key, 'key'), ca: tls.ca ? read(tls.ca, 'ca') : undefined, minVersion: 'TLSv1.2' };
  try {
    createSecureContext(options);
  } catch (err) {
    throw new Error(`broker.tls: cannot use ${tls.cert} with ${tls.key}${tls.ca ? ` and ${tls.ca}` : ''}: ${(err as Error).message}`);
  }
  return options;
}

/**
 * The broker's public listener: plain TCP, or TLS when `tls` is given. `onSocket` gets the
 * (decrypted) stream to hand to aedes; `onTlsError` hears about handshakes that failed (a client
 * without a certificate, plain MQTT sent to the TLS port, an untrusted certificate).
 */
export function createBrokerListener(
  tls: BrokerTls | undefined,
  onSocket: (socket: Socket) => void,
  onTlsError?: (message: string) => void,
  options: { reloadPollMs?: number } = {},
): Server {
  if (!tls) return createPlainServer(onSocket);
  const server = createTlsServer(
    {
      ...tlsContextOptions(tls),
      // Ask for a certificate whenever there is a CA to check it against; insist only if told to.
      requestCert: tls.requireClientCert === true || tls.ca !== undefined,
      rejectUnauthorized: tls.requireClientCert === true,
      // A client that connects and never finishes the handshake must not hold a socket forever.
      handshakeTimeout: 10_000,
    },
    (socket: TLSSocket) => onSocket(socket),
  );
  server.on('tlsClientError', (err, socket) => {
    onTlsError?.(`mqtt broker: TLS handshake from ${socket.remoteAddress ?? '?'} failed: ${err.message.slice(0, 200)}`);
    socket.destroy();
  });
  watchForRenewal(server, tls, options.reloadPollMs ?? RELOAD_POLL_MS, onTlsError);
  return server;
}

/** New certificate files (a renewed Secret) take effect for new connections, without a restart. */
function watchForRenewal(server: ReturnType<typeof createTlsServer>, tls: BrokerTls, pollMs: number, onError?: (message: string) => void): void {
  const files = [tls.cert, tls.key, ...(tls.ca ? [tls.ca] : [])];
  const reload = () => {
    try {
      server.setSecureContext(tlsContextOptions(tls));
    } catch (err) {
      // Mid-rotation the key and the certificate may briefly disagree: keep the old pair.
      onError?.(`mqtt broker: kept the previous TLS certificate: ${(err as Error).message}`);
    }
  };
  server.once('listening', () => {
    for (const f of files) watchFile(f, { interval: pollMs, persistent: false }, reload);
  });
  server.once('close', () => {
    for (const f of files) unwatchFile(f, reload);
  });
}

/** The plain loopback listener for clients in this process when the public one is TLS. */
export async function listenLoopback(onSocket: (socket: Socket) => void): Promise<Server> {
  const server = createPlainServer(onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function loopbackUrl(server: Server): string {
  return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Why the client on `conn` may not log in as `name` by its TLS certificate, or undefined if it
 * may. A certificate, when presented, must be trusted and made out to the name the client logs
 * in as (its subject CN is the board id), so one board's certificate cannot open another board's
 * session, even with a shared board password. Clients on the plain loopback listener and TLS
 * clients without a certificate (allowed unless requireClientCert) have nothing to check here.
 */
export function certificateRefusal(conn: unknown, name: string): string | undefined {
  if (!(conn instanceof TLSSocket)) return undefined;
  const cert = conn.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (!conn.authorized) return `its certificate is not trusted (${String(conn.authorizationError)})`;
  const cn = ([] as string[]).concat((cert.subject as unknown as Record<string, string | string[]> | undefined)?.CN ?? []);
  if (!cn.includes(name)) return `its certificate is made out to '${cn.join(', ')}', not to '${name}'`;
  return undefined;
}
