// `podlights sim`: serves simulated clusters (eu and us by default) until SIGINT/SIGTERM,
// writes a kubeconfig for them, and optionally plays scenarios.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { R } from '../sim/resources.ts';
import { SimFleet } from '../sim/fleet.ts';
import { SCENARIOS, findScenario, runScenario } from '../sim/scenarios/index.ts';
import type { Command } from './main.ts';

const HELP = `usage: podlights sim [options]

Serves an embedded Kubernetes API simulator (one API server per cluster) until Ctrl-C.

options:
  --clusters LIST     cluster names, comma separated (default: eu,us)
  --port P            first port; cluster i listens on P+i (default: free ports)
  --kubeconfig FILE   where to write the kubeconfig (default: ${join(tmpdir(), 'podlights-sim.kubeconfig')})
  --scenario NAMES    play scenarios one after the other, comma separated
  --speed X           simulated time runs X times faster (default: 1)
  --list-scenarios    list the scenarios and exit
  -h, --help          show this help
`;

function listScenarios(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  return SCENARIOS.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`).join('\n') + '\n';
}

async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        clusters: { type: 'string', default: 'eu,us' },
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        scenario: { type: 'string' },
        speed: { type: 'string', default: '1' },
        'list-scenarios': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`podlights sim: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values['list-scenarios']) {
    process.stdout.write(listScenarios());
    return 0;
  }
  const clusters = String(values.clusters).split(',').map((s) => s.trim()).filter(Boolean);
  const speed = Number(values.speed);
  const port = values.port === undefined ? 0 : Number(values.port);
  const scenarios = (values.scenario ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const problems: string[] = [];
  if (clusters.length === 0) problems.push('--clusters needs at least one name');
  if (!(speed > 0)) problems.push(`--speed must be a positive number, got '${values.speed}'`);
  if (!Number.isInteger(port) || port < 0 || port + clusters.length - 1 > 65535) problems.push(`--port must be a port number, got '${values.port}'`);
  for (const name of scenarios) {
    const s = findScenario(name);
    if (!s) problems.push(`unknown scenario '${name}' (see --list-scenarios)`);
    else for (const c of s.clusters) if (!clusters.includes(c)) problems.push(`scenario '${name}' needs cluster '${c}' (--clusters)`);
  }
  if (problems.length) {
    process.stderr.write(problems.map((p) => `podlights sim: ${p}\n`).join(''));
    return 2;
  }

  const fleet = new SimFleet({ clusters, port, speed });
  try {
    await fleet.start();
  } catch (err) {
    process.stderr.write(`podlights sim: cannot start: ${(err as Error).message}\n`);
    return 1;
  }
  const file = resolve(values.kubeconfig ?? join(tmpdir(), 'podlights-sim.kubeconfig'));
  fleet.writeKubeconfig(file);
  for (const c of fleet.clusters) {
    const nodes = c.store.list(R.nodes).map((n) => n.metadata.labels?.['kubernetes.io/arch']);
    const archs = [...new Set(nodes)].map((a) => `${nodes.filter((x) => x === a).length} ${a}`).join(', ');
    process.stdout.write(`podlights sim: cluster ${c.name} at ${c.url} (${nodes.length} nodes: ${archs})\n`);
  }
  process.stdout.write(`podlights sim: kubeconfig written to ${file} (contexts: ${clusters.join(', ')})\n`);
  process.stdout.write(`  try: kubectl --kubeconfig ${file} --context ${clusters[0]} get nodes\n`);
  process.stdout.write(`podlights sim: speed ${speed}x; Ctrl-C to stop\n`);

  const abort = new AbortController();
  const stopped = new Promise<string>((resolveStop) => {
    const onSignal = (sig: NodeJS.Signals) => resolveStop(sig);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    abort.signal.addEventListener('abort', () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  });
  let failed = false;
  const played = (async () => {
    for (const name of scenarios) {
      process.stdout.write(`podlights sim: playing scenario ${name}\n`);
      await runScenario({ scenario: name, clusters: fleet.clusters, signal: abort.signal, log: (m) => process.stdout.write(`  ${m}\n`) });
      process.stdout.write(`podlights sim: scenario ${name} done\n`);
    }
  })().catch((err: Error) => {
    if (abort.signal.aborted) return;
    failed = true;
    process.stderr.write(`podlights sim: scenario failed: ${err.message}\n`);
  });
  const sig = await stopped;
  process.stdout.write(`podlights sim: ${sig}, stopping\n`);
  abort.abort();
  await played;
  await fleet.stop();
  return failed ? 1 : 0;
}

export const simCommand: Command = {
  name: 'sim',
  summary: 'serve simulated Kubernetes clusters (eu, us) with a kubeconfig; play demo scenarios',
  run,
};
