// Rendering a kustomization with real kubectl, as `kubectl apply -k` would.
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** Why kustomizations cannot be rendered here, or false. */
export const kubectlMissing: string | false = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).error ? 'kubectl not installed' : false;

export function render(dir: string): Record<string, any>[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON());
}
