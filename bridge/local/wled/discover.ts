// Finding WLED controllers on the LAN: WLED announces itself over mDNS as `_wled._tcp` (an
// instance per controller, an SRV record with its host name and HTTP port, an A record with its
// address). One PTR query, then SRV and A queries for whatever the answers left out, gathered
// for timeoutMs. multicast-dns does the wire format and the sockets.
import mdns from 'multicast-dns';
import type { Options as MdnsOptions } from 'multicast-dns';

export const WLED_SERVICE = '_wled._tcp.local';

export interface WledFound {
  /** The instance name WLED announces (its "mDNS address" setting), e.g. `desk`. */
  name: string;
  /** Its host name, e.g. `desk.local`. */
  host: string;
  /** IPv4 address, when it came with the answers. */
  address?: string;
  /** HTTP port of its JSON API. */
  port: number;
}

export interface DiscoverOptions {
  timeoutMs?: number;
  /** multicast-dns socket options (tests: a private port on loopback). */
  mdns?: MdnsOptions;
  /** Where queries go (default the mDNS group 224.0.0.251:5353; tests: a responder's unicast port). */
  to?: { address: string; port: number };
}

interface Answer {
  name: string;
  type: string;
  data: unknown;
}

export async function discoverWled(options: DiscoverOptions = {}): Promise<WledFound[]> {
  const socket = mdns(options.mdns);
  const instances = new Set<string>();
  const srv = new Map<string, { target: string; port: number }>();
  const a = new Map<string, string>();
  const asked = new Set<string>();
  const query = (name: string, type: 'PTR' | 'SRV' | 'A') => {
    if (asked.has(`${type} ${name}`)) return;
    asked.add(`${type} ${name}`);
    socket.query({ questions: [{ name, type }] }, options.to as never);
  };
  socket.on('error', () => {
    // No multicast route, no network: the answer is simply "nothing found".
  });
  socket.on('response', (res: { answers: Answer[]; additionals?: Answer[] }) => {
    const records = [...res.answers, ...(res.additionals ?? [])];
    for (const r of records) {
      if (r.type === 'PTR' && r.name.toLowerCase() === WLED_SERVICE) instances.add(String(r.data));
      else if (r.type === 'SRV') srv.set(r.name, r.data as { target: string; port: number });
      else if (r.type === 'A') a.set(r.name, String(r.data));
    }
    // Follow up on what this response did not carry.
    for (const inst of instances) {
      const s = srv.get(inst);
      if (!s) query(inst, 'SRV');
      else if (!a.has(s.target)) query(s.target, 'A');
    }
  });
  query(WLED_SERVICE, 'PTR');
  await new Promise((resolve) => setTimeout(resolve, options.timeoutMs ?? 1500));
  await new Promise<void>((resolve) => socket.destroy(() => resolve()));
  const found: WledFound[] = [];
  for (const inst of instances) {
    const s = srv.get(inst);
    const name = inst.endsWith(`.${WLED_SERVICE}`) ? inst.slice(0, -WLED_SERVICE.length - 1) : inst;
    if (s) found.push({ name, host: s.target, address: a.get(s.target), port: s.port });
  }
  return found.sort((x, y) => x.name.localeCompare(y.name));
}
