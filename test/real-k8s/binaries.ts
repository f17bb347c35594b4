// Where the real control plane's binaries are: tools/real-k8s/build.sh builds them into a cache
// outside the clone, keyed by the versions in tools/real-k8s/versions.env (read here too, so the
// script and the tests cannot disagree). Tests skip with the command to run when any is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface Versions {
  k8s: string;
  kwok: string;
  etcd: string;
}

export function versions(): Versions {
  const text = readFileSync(join(repo, 'tools/real-k8s/versions.env'), 'utf8');
  const get = (key: string): string => {
    const m = new RegExp(`^${key}=(\\S+)$`, 'm').exec(text);
    if (!m) throw new Error(`tools/real-k8s/versions.env: no ${key}=`);
    return m[1];
  };
  return { k8s: get('K8S_VERSION'), kwok: get('KWOK_VERSION'), etcd: get('ETCD_VERSION') };
}

export interface Binaries {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  kwok: string;
  /** kwok's stage definitions (node and pod lifecycle), copied from its module by build.sh. */
  kwokStages: string;
  etcd: string;
  etcdctl: string;
  kubectl: string;
  openssl: string;
}

export function cacheRoot(): string {
  return process.env.PODLIGHTS_CACHE || '/var/cache/podlights';
}

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function binaries(): Binaries {
  const v = versions();
  const root = cacheRoot();
  const k8s = join(root, `k8s-${v.k8s}`, 'bin');
  const kwok = join(root, `kwok-${v.kwok}`, 'bin');
  const etcd = join(root, `etcd-${v.etcd}`, 'bin');
  return {
    apiserver: join(k8s, 'kube-apiserver'),
    controllerManager: join(k8s, 'kube-controller-manager'),
    scheduler: join(k8s, 'kube-scheduler'),
    kwok: join(kwok, 'kwok'),
    kwokStages: join(kwok, 'stages.yaml'),
    etcd: join(etcd, 'etcd'),
    etcdctl: join(etcd, 'etcdctl'),
    kubectl: onPath('kubectl') ?? 'kubectl',
    openssl: onPath('openssl') ?? 'openssl',
  };
}

/** Why the real-k8s suite cannot run here, or false. Printed as the skip reason. */
export function realK8sSkip(): string | false {
  if (process.env.PODLIGHTS_REAL_K8S === '0') return 'PODLIGHTS_REAL_K8S=0';
  const b = binaries();
  const missing = Object.entries(b)
    .filter(([, path]) => !existsSync(path))
    .map(([name, path]) => `${name} (${path})`);
  if (missing.length > 0) {
    const v = versions();
    return `real control plane (Kubernetes ${v.k8s}) not built: missing ${missing.join(', ')}; run tools/real-k8s/build.sh`;
  }
  return false;
}
