// A kubeconfig for the simulated clusters: one cluster, user and context per simulated
// cluster, named after it (contexts `eu`, `us`). Written as JSON, which is valid YAML, so both
// kubectl and client-node's KubeConfig read it.
import { writeFileSync } from 'node:fs';

export interface KubeconfigEntry {
  name: string;
  url: string;
}

export function kubeconfig(entries: KubeconfigEntry[], opts: { currentContext?: string } = {}): Record<string, unknown> {
  if (entries.length === 0) throw new Error('a kubeconfig needs at least one cluster');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
    clusters: entries.map((e) => ({ name: e.name, cluster: { server: e.url, 'insecure-skip-tls-verify': true } })),
    users: entries.map((e) => ({ name: `${e.name}-user`, user: { token: `podlights-sim-${e.name}` } })),
    contexts: entries.map((e) => ({ name: e.name, context: { cluster: e.name, user: `${e.name}-user`, namespace: 'default' } })),
    'current-context': opts.currentContext ?? entries[0].name,
  };
}

export function kubeconfigText(entries: KubeconfigEntry[], opts: { currentContext?: string } = {}): string {
  return `${JSON.stringify(kubeconfig(entries, opts), null, 2)}\n`;
}

/** Writes the file readable by the owner only, as kubectl does with real credentials. */
export function writeKubeconfig(file: string, entries: KubeconfigEntry[], opts: { currentContext?: string } = {}): void {
  writeFileSync(file, kubeconfigText(entries, opts), { mode: 0o600 });
}
