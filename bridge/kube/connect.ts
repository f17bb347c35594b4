// Cluster connections: one per context of a kubeconfig (kubeconfig.ts reads it, without
// client-node), or the pod's service account. A plain-http server (the simulator, a local proxy)
// needs nothing special: there is no TLS to verify.
import type { ClusterSource } from '../controller.ts';
import { ContextAccess, defaultKubeconfigFiles, inClusterKubeconfig, parseKubeconfig, readKubeconfigFiles } from './kubeconfig.ts';
import type { KubeAccess, Kubeconfig } from './kubeconfig.ts';

export class ConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectError';
  }
}

const source = (name: string, access: KubeAccess): ClusterSource => ({ name, kubeConfig: access });

/**
 * One cluster per context (default: the current context), named after the context. `file` is one
 * kubeconfig; `text` one given inline; neither: $KUBECONFIG (several files merged as kubectl
 * does) or ~/.kube/config.
 */
export function fromKubeconfig(options: { file?: string; text?: string; contexts?: string[] }): ClusterSource[] {
  let config: Kubeconfig;
  try {
    if (options.text !== undefined) config = parseKubeconfig(options.text);
    else if (options.file !== undefined) config = readKubeconfigFiles([options.file], { mustExist: true });
    else config = readKubeconfigFiles(defaultKubeconfigFiles());
  } catch (err) {
    // The message names the file (of several, the one that failed).
    throw new ConnectError(`cannot load kubeconfig: ${(err as Error).message}`);
  }
  const what = options.file !== undefined ? `kubeconfig ${options.file}` : 'the kubeconfig';
  const have = [...config.contexts.keys()];
  // Any YAML (or plain text) parses; say it is not a kubeconfig instead of looking for context 'undefined'.
  if (have.length === 0) throw new ConnectError(`${options.file ?? 'the kubeconfig'} is not a kubeconfig: it defines no contexts`);
  const names = options.contexts && options.contexts.length > 0 ? options.contexts : [config.currentContext];
  if (!names[0]) throw new ConnectError(`${what} has no current-context: pass --context (it has: ${have.join(', ')})`);
  return names.map((name) => {
    if (!config.contexts.has(name)) throw new ConnectError(`${what} has no context '${name}' (it has: ${have.join(', ')})`);
    try {
      return source(name, new ContextAccess(config, name));
    } catch (err) {
      throw new ConnectError(`${what}: ${(err as Error).message}`);
    }
  });
}

export function inCluster(name = 'in-cluster'): ClusterSource {
  try {
    const config = inClusterKubeconfig();
    return source(name, new ContextAccess(config, config.currentContext));
  } catch (err) {
    throw new ConnectError(`not running in a cluster: ${(err as Error).message}`);
  }
}
