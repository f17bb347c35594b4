// Cluster connections: one KubeConfig per context of a kubeconfig file, or the pod's service
// account. client-node 1.x refuses plain-http servers unless TLS verification is off; kubectl
// talks to them without fuss, so a plain-http cluster (the simulator, a local proxy) gets that
// flag here, where there is no TLS to verify anyway.
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '@kubernetes/client-node';
import type { ClusterSource } from '../controller.ts';

function allowPlainHttp(kc: KubeConfig): void {
  const clusters = kc.getClusters().map((c): Cluster => (c.server.startsWith('http://') ? { ...c, skipTLSVerify: true } : c));
  kc.loadFromOptions({ clusters, users: kc.getUsers(), contexts: kc.getContexts(), currentContext: kc.getCurrentContext() });
}

export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

/** One cluster per context (default: the current context), named after the context. */
export function fromKubeconfig(options: { file?: string; text?: string; contexts?: string[] }): ClusterSource[] {
  const base = new KubeConfig();
  try {
    if (options.text !== undefined) base.loadFromString(options.text);
    else if (options.file !== undefined) base.loadFromFile(options.file);
    else base.loadFromDefault();
  } catch (err) {
    // The YAML parser's message runs over several lines with a code excerpt; the first says it.
    throw new ConnectError(`cannot load kubeconfig ${options.file ?? ''}: ${(err as Error).message.split('\n')[0]}`);
  }
  const what = options.file !== undefined ? `kubeconfig ${options.file}` : 'the kubeconfig';
  const have = base.getContexts().map((c) => c.name);
  // client-node reads any YAML (or plain text) without complaint and yields nothing: say so
  // instead of looking for context 'undefined'.
  if (have.length === 0) throw new ConnectError(`${options.file ?? 'the kubeconfig'} is not a kubeconfig: it defines no contexts`);
  const names = options.contexts && options.contexts.length > 0 ? options.contexts : [base.getCurrentContext()];
  if (!names[0]) throw new ConnectError(`${what} has no current-context: pass --context (it has: ${have.join(', ')})`);
  return names.map((name) => {
    if (!base.getContextObject(name)) {
      throw new ConnectError(`${what} has no context '${name}' (it has: ${have.join(', ')})`);
    }
    const kc = new KubeConfig();
    kc.loadFromOptions({ clusters: base.getClusters(), users: base.getUsers(), contexts: base.getContexts(), currentContext: name });
    allowPlainHttp(kc);
    return { name, kubeConfig: kc };
  });
}

export function inCluster(name = 'in-cluster'): ClusterSource {
  const kc = new KubeConfig();
  try {
    kc.loadFromCluster();
  } catch (err) {
    throw new ConnectError(`not running in a cluster: ${(err as Error).message}`);
  }
  return { name, kubeConfig: kc };
}
