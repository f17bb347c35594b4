// What kubectl asks of a pod's containers: `logs` answers with simulated logs in the voice of
// the image (nginx's start-up lines, then access lines from the kubelet's probes; a crashing
// container's last words with --previous), following while the pod lives with -f. `exec`,
// `attach` and `port-forward` cannot work (nothing runs), and say so instead of NotFound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimApi } from '../api.ts';
import { errors, StatusError } from '../errors.ts';
import { R } from '../resources.ts';
import type { KubeObject } from '../types.ts';

export const POD_STREAMS = new Set(['log', 'exec', 'attach', 'portforward']);
const FOLLOW_EVERY_MS = 2000;

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const nginxTime = (t: Date) => `${t.getUTCFullYear()}/${pad(t.getUTCMonth() + 1)}/${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
const accessTime = (t: Date) => `${pad(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;

function containerOf(pod: KubeObject, name: string | null): any {
  const containers: any[] = pod.spec?.containers ?? [];
  if (!name) {
    if (containers.length === 1) return containers[0];
    throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`);
  }
  const c = containers.find((x) => x.name === name);
  if (!c) throw errors.badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
  return c;
}

function accessLine(pod: KubeObject, t: Date): string {
  return `${pod.status?.hostIP ?? '10.0.0.1'} - - [${accessTime(t)}] "GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-"`;
}

/** The log so far: start-up lines, then one probe every 10 s since the container started. */
function history(pod: KubeObject, container: any, previous: boolean): string[] {
  const status = (pod.status?.containerStatuses ?? []).find((s: any) => s.name === container.name);
  if (previous) {
    const last = status?.lastState?.terminated;
    if (!last) throw errors.badRequest(`previous terminated container "${container.name}" in pod "${pod.metadata.name}" not found`);
    return [`(simulated) ${container.image}: ${(container.command ?? []).concat(container.args ?? []).join(' ') || 'the entrypoint'} exited with code ${last.exitCode ?? 1}`];
  }
  const startedAt = status?.state?.running?.startedAt;
  if (!startedAt) {
    const waiting = status?.state?.waiting?.reason;
    throw errors.badRequest(`container "${container.name}" in pod "${pod.metadata.name}" is waiting to start: ${waiting ?? 'ContainerCreating'}`);
  }
  const start = new Date(startedAt);
  const image = String(container.image ?? '');
  if (!image.startsWith('nginx')) return [`(simulated) ${image} started; the podlights simulator runs no processes`];
  const version = /:(\d+\.\d+)/.exec(image)?.[1] ?? '1.27';
  const lines = [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    `${nginxTime(start)} [notice] 1#1: nginx/${version}.0`,
    `${nginxTime(start)} [notice] 1#1: start worker processes`,
  ];
  for (let t = start.getTime() + 10_000; t < Date.now(); t += 10_000) lines.push(accessLine(pod, new Date(t)));
  return lines;
}

export function servePodStream(opts: { api: SimApi; req: IncomingMessage; res: ServerResponse; url: URL; namespace: string; name: string; sub: string }): void {
  const { api, req, res, url, namespace, name, sub } = opts;
  if (sub !== 'log') {
    const what = sub === 'portforward' ? 'port-forward' : sub;
    throw new StatusError({
      code: 400,
      reason: 'BadRequest',
      message: `kubectl ${what} cannot work against the podlights simulator: its pods are simulated and run no processes (kubectl logs shows simulated logs)`,
    });
  }
  const pod = api.get(R.pods, namespace, name);
  const container = containerOf(pod, url.searchParams.get('container'));
  let lines = history(pod, container, url.searchParams.get('previous') === 'true');
  const tail = Number(url.searchParams.get('tailLines') ?? NaN);
  if (Number.isInteger(tail) && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.write(lines.map((l) => `${l}\n`).join(''));
  if (url.searchParams.get('follow') !== 'true' || !String(container.image ?? '').startsWith('nginx')) {
    res.end();
    return;
  }
  // Follow: a probe line every few seconds while the pod lives and the client listens.
  const timer = setInterval(() => {
    const now = api.tryGet(R.pods, namespace, name);
    if (!now || now.metadata.uid !== pod.metadata.uid || now.metadata.deletionTimestamp) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(`${accessLine(now, new Date())}\n`);
  }, FOLLOW_EVERY_MS);
  req.once('close', () => clearInterval(timer));
}
