// A real Kubernetes control plane on loopback for the end-to-end suite: etcd, kube-apiserver
// (TLS from certs.ts, RBAC on), kube-controller-manager, kube-scheduler, and kwok driving fake
// nodes (amd64 and arm64) and their pods through their lifecycle without kubelets. Built by
// tools/real-k8s/build.sh; see binaries.ts. Everything lives in one temporary directory and dies
// with the test (processes.ts), passed or failed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../transports/helpers/net.ts';
import { binaries, versions } from './binaries.ts';
import type { Binaries } from './binaries.ts';
import { clientCert, kubeconfigYaml, makePki } from './certs.ts';
import type { Pki } from './certs.ts';
import { ProcessGroup } from './processes.ts';
import type { Daemon } from './processes.ts';

export interface FakeNode {
  name: string;
  arch: 'amd64' | 'arm64';
}

export const DEFAULT_NODES: FakeNode[] = [
  { name: 'kwok-amd64-1', arch: 'amd64' },
  { name: 'kwok-amd64-2', arch: 'amd64' },
  { name: 'kwok-arm64-1', arch: 'arm64' },
  { name: 'kwok-arm64-2', arch: 'arm64' },
];

/** kwok manages the nodes carrying this label; removing it is a kubelet that died. */
export const KWOK_MANAGED = 'podlights.test/kwok';

export interface RealClusterOptions {
  nodes?: FakeNode[];
  /**
   * false serves watches straight from etcd (--watch-cache=false), so a compaction shows as
   * a 410 to a client resuming an old resourceVersion, as on a server without the cache.
   */
  watchCache?: boolean;
  /** Seconds without a heartbeat before the node lifecycle controller marks a node NotReady. */
  nodeGraceSeconds?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RealCluster {
  readonly bin: Binaries = binaries();
  readonly version = versions().k8s;
  readonly dir: string;
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfig: string;
  private readonly group: ProcessGroup;
  private pki!: Pki;
  private etcdPort = 0;
  apiPort = 0;
  private apiserver!: Daemon;
  kwok!: Daemon;
  readonly nodes: FakeNode[];

  constructor(private readonly options: RealClusterOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'podlights-real-k8s-'));
    this.group = new ProcessGroup(this.dir);
    this.kubeconfig = join(this.dir, 'admin.kubeconfig');
    this.nodes = options.nodes ?? DEFAULT_NODES;
  }

  get server(): string {
    return `https://127.0.0.1:${this.apiPort}`;
  }

  get etcdEndpoint(): string {
    return `http://127.0.0.1:${this.etcdPort}`;
  }

  async start(): Promise<void> {
    try {
      await this.startAll();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startAll(): Promise<void> {
    const b = this.bin;
    this.pki = makePki(this.dir, b.openssl);
    const admin = clientCert(this.pki, 'admin', 'podlights-admin', ['system:masters'], b.openssl);
    [this.etcdPort, this.apiPort] = [await freePort(), await freePort()];
    const peerPort = await freePort();
    writeFileSync(this.kubeconfig, kubeconfigYaml({ server: this.server, caCert: this.pki.caCert, cert: admin }));

    const etcd = this.group.add('etcd', b.etcd, [
      '--name=default',
      `--data-dir=${join(this.dir, 'etcd')}`,
      `--listen-client-urls=${this.etcdEndpoint}`,
      `--advertise-client-urls=${this.etcdEndpoint}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--log-level=warn',
    ]);
    etcd.start();
    await this.waitFor('etcd', etcd, async () => (await this.etcdctl('endpoint', 'health')).includes('is healthy'), 30_000);

    const p = this.pki;
    this.apiserver = this.group.add('kube-apiserver', b.apiserver, [
      `--etcd-servers=${this.etcdEndpoint}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      // Nothing in the cluster dials the API server through its Service: no endpoint to keep
      // (and the reconciler refuses loopback addresses).
      '--endpoint-reconciler-type=none',
      `--secure-port=${this.apiPort}`,
      `--tls-cert-file=${p.serverCert}`,
      `--tls-private-key-file=${p.serverKey}`,
      `--client-ca-file=${p.caCert}`,
      '--authorization-mode=Node,RBAC',
      `--service-account-key-file=${p.saPub}`,
      `--service-account-signing-key-file=${p.saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.96.0.0/16',
      `--watch-cache=${this.options.watchCache === false ? 'false' : 'true'}`,
      '--profiling=false',
      '--v=1',
    ]);
    this.apiserver.start();
    await this.waitReady(90_000);

    const common = [`--kubeconfig=${this.kubeconfig}`, `--authentication-kubeconfig=${this.kubeconfig}`, `--authorization-kubeconfig=${this.kubeconfig}`, '--bind-address=127.0.0.1', '--leader-elect=false'];
    this.group
      .add('kube-controller-manager', b.controllerManager, [
        ...common,
        `--secure-port=${await freePort()}`,
        `--root-ca-file=${p.caCert}`,
        `--service-account-private-key-file=${p.saKey}`,
        '--use-service-account-credentials=false',
        `--node-monitor-grace-period=${this.options.nodeGraceSeconds ?? 20}s`,
        '--node-monitor-period=2s',
        '--v=1',
      ])
      .start();
    this.group.add('kube-scheduler', b.scheduler, [...common, `--secure-port=${await freePort()}`, '--v=1']).start();
    this.kwok = this.group.add('kwok', b.kwok, [
      `--kubeconfig=${this.kubeconfig}`,
      `--config=${b.kwokStages}`,
      `--config=${this.writeFile('kubelet-ready-again.yaml', READY_AGAIN_STAGE)}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-label-selector=${KWOK_MANAGED}=managed`,
      `--server-address=127.0.0.1:${await freePort()}`,
      '--node-ip=127.0.0.1',
      '--node-lease-duration-seconds=40',
    ]);
    this.kwok.start();

    await this.kubectl('apply', '-f', this.writeFile('nodes.yaml', this.nodes.map(nodeManifest).join('---\n')));
    // Pods need the namespace's default service account, which the controller manager creates.
    await this.until('the default service account', async () => (await this.kubectl('get', 'serviceaccount', 'default', '-o', 'name').catch(() => '')).includes('default'), 60_000);
    await this.until('every node Ready', async () => {
      const nodes = JSON.parse(await this.kubectl('get', 'nodes', '-o', 'json')).items as any[];
      return nodes.length === this.nodes.length && nodes.every((n) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    }, 60_000);
  }

  writeFile(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  /** Real kubectl against this cluster (admin unless another kubeconfig is given). */
  kubectl(...args: string[]): Promise<string> {
    return this.kubectlAs(this.kubeconfig, ...args);
  }

  kubectlAs(kubeconfig: string, ...args: string[]): Promise<string> {
    return run(this.bin.kubectl, ['--kubeconfig', kubeconfig, ...args], 90_000);
  }

  async json(...args: string[]): Promise<any> {
    return JSON.parse(await this.kubectl(...args, '-o', 'json'));
  }

  etcdctl(...args: string[]): Promise<string> {
    return run(this.bin.etcdctl, [`--endpoints=${this.etcdEndpoint}`, ...args], 30_000);
  }

  /** etcd's current revision (the newest resourceVersion). */
  async etcdRevision(): Promise<number> {
    const status = JSON.parse(await this.etcdctl('endpoint', 'status', '-w', 'json'));
    return Number(status[0].Status.header.revision);
  }

  /** Compacts etcd's history up to its current revision: every older resourceVersion is gone. */
  async compact(): Promise<number> {
    const rev = await this.etcdRevision();
    await this.etcdctl('compaction', String(rev));
    return rev;
  }

  /** Stops kube-apiserver (its clients see connections refused), waits, starts it again. */
  async restartApiserver(downMs = 3000, whileDown?: () => Promise<void>): Promise<void> {
    await this.apiserver.stop();
    await whileDown?.();
    await sleep(downMs);
    this.apiserver.start();
    await this.waitReady(90_000);
  }

  /**
   * A kubeconfig for a service account bound to a role that may watch deployments and nodes but
   * not list pods: what an operator gets from a half-written ClusterRole.
   */
  async restrictedKubeconfig(name = 'podlights-limited'): Promise<string> {
    await this.kubectl('create', 'serviceaccount', name, '-n', 'default');
    await this.kubectl('create', 'clusterrole', name, '--verb=get,list,watch', '--resource=nodes,deployments.apps,replicasets.apps,statefulsets.apps,daemonsets.apps');
    await this.kubectl('create', 'clusterrolebinding', name, `--clusterrole=${name}`, `--serviceaccount=default:${name}`);
    const token = (await this.kubectl('create', 'token', name, '-n', 'default', '--duration=1h')).trim();
    return this.writeFile(`${name}.kubeconfig`, kubeconfigYaml({ server: this.server, caCert: this.pki.caCert, token, context: name }));
  }

  /** A kubelet that died: kwok stops renewing the node's lease; the controller manager marks it NotReady. */
  async killKubelet(node: string): Promise<void> {
    await this.kubectl('label', 'node', node, `${KWOK_MANAGED}-`);
  }

  async reviveKubelet(node: string): Promise<void> {
    await this.kubectl('label', 'node', node, `${KWOK_MANAGED}=managed`, '--overwrite');
  }

  private async readyz(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: this.apiPort, path: '/readyz', ca: readFileSync(this.pki.caCert), timeout: 3000 },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  private async waitReady(ms: number): Promise<void> {
    await this.waitFor('kube-apiserver', this.apiserver, () => this.readyz(), ms);
  }

  private async waitFor(what: string, daemon: Daemon, check: () => Promise<boolean>, ms: number): Promise<void> {
    const end = Date.now() + ms;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (!daemon.running) throw new Error(`${what} exited during start-up:\n${daemon.tail()}`);
      if (Date.now() > end) throw new Error(`${what} not ready after ${ms} ms:\n${daemon.tail()}`);
      await sleep(200);
    }
  }

  async until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!(await check().catch(() => false))) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${this.logs()}`);
      await sleep(250);
    }
  }

  /** The tail of every daemon's log, for a failure message. */
  logs(lines = 8): string {
    return this.group.daemons.map((d) => `--- ${d.name} (${d.running ? 'running' : 'stopped'})\n${d.tail(lines)}`).join('\n');
  }

  async stop(): Promise<void> {
    await this.group.stop();
  }
}

/**
 * kwok's own stages make a pod Ready once, when it starts. A kubelet also reports its pods Ready
 * again when its node comes back (the node lifecycle controller marked them NotReady meanwhile):
 * this stage does that, so a node's return looks as on a cluster.
 */
const READY_AGAIN_STAGE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: podlights-kubelet-ready-again
spec:
  resourceRef: { apiGroup: v1, kind: Pod }
  selector:
    matchExpressions:
    - { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' }
    - { key: '.status.phase', operator: 'In', values: ['Running'] }
    - { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] }
  delay: { durationMilliseconds: 1000 }
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - { lastTransitionTime: {{ $now | Quote }}, status: "True", type: Initialized }
      - { lastTransitionTime: {{ $now | Quote }}, status: "True", type: Ready }
      - { lastTransitionTime: {{ $now | Quote }}, status: "True", type: ContainersReady }
      - { lastTransitionTime: {{ $now | Quote }}, status: "True", type: PodScheduled }
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        state: { running: { startedAt: {{ $now | Quote }} } }
      {{ end }}
`;

function nodeManifest(n: FakeNode): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${n.name}
  labels:
    kubernetes.io/arch: ${n.arch}
    kubernetes.io/os: linux
    kubernetes.io/hostname: ${n.name}
    type: kwok
    ${KWOK_MANAGED}: managed
  annotations:
    node.alpha.kubernetes.io/ttl: "0"
    kwok.x-k8s.io/node: fake
status:
  allocatable: { cpu: "32", memory: 256Gi, pods: "110" }
  capacity: { cpu: "32", memory: 256Gi, pods: "110" }
  nodeInfo: { architecture: ${n.arch}, operatingSystem: linux, kubeletVersion: fake }
`;
}

function run(command: string, args: string[], timeout: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command.split('/').pop()} ${args.filter((a) => !a.includes('kubeconfig')).join(' ')}: ${(stderr || stdout || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}
