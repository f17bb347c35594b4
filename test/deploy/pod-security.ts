// A Pod Security Standards check written from the standard itself
// (kubernetes.io/docs/concepts/security/pod-security-standards, policy version "latest") and
// checked against the real PodSecurity admission of Kubernetes 1.37 (pod-security-server.test.ts):
// every control of the "baseline" and "restricted" profiles, applied to the pod template of each
// workload in a set of rendered manifests. `levelOf` answers the strictest
// profile a pod meets, as the Pod Security admission controller would decide.
// Windows pods (spec.os.name: windows), which the standard exempts from some controls, are not
// handled: podlights runs on Linux nodes only.

export type Level = 'restricted' | 'baseline' | 'privileged';

export interface Violation {
  level: 'baseline' | 'restricted';
  control: string;
  detail: string;
}

type Obj = Record<string, any>;

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** The pod spec (and its metadata) inside a workload, or undefined for objects that run no pods. */
export function podOf(doc: Obj): { spec: Obj; metadata: Obj } | undefined {
  switch (doc.kind) {
    case 'Pod':
      return { spec: doc.spec ?? {}, metadata: doc.metadata ?? {} };
    case 'Deployment':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
    case 'PodTemplate':
      return doc.kind === 'PodTemplate' ? { spec: doc.template?.spec ?? {}, metadata: doc.template?.metadata ?? {} } : { spec: doc.spec?.template?.spec ?? {}, metadata: doc.spec?.template?.metadata ?? {} };
    case 'CronJob':
      return { spec: doc.spec?.jobTemplate?.spec?.template?.spec ?? {}, metadata: doc.spec?.jobTemplate?.spec?.template?.metadata ?? {} };
    default:
      return undefined;
  }
}

/** Every violation of the pod against baseline and restricted. */
export function violations(pod: { spec: Obj; metadata: Obj }): Violation[] {
  const out: Violation[] = [];
  const { spec, metadata } = pod;
  const psc: Obj = spec.securityContext ?? {};
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const b = (control: string, detail: string) => out.push({ level: 'baseline', control, detail });
  const r = (control: string, detail: string) => out.push({ level: 'restricted', control, detail });
  const each = (fn: (sc: Obj, name: string, c: Obj) => void) => containers.forEach((c) => fn(c.securityContext ?? {}, c.name ?? '?', c));

  // ---- baseline
  if (psc.windowsOptions?.hostProcess === true) b('HostProcess', 'pod windowsOptions.hostProcess');
  each((sc, n) => sc.windowsOptions?.hostProcess === true && b('HostProcess', `container ${n} windowsOptions.hostProcess`));
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[ns] === true) b('Host Namespaces', `spec.${ns}`);
  each((sc, n) => sc.privileged === true && b('Privileged Containers', `container ${n} is privileged`));
  each((sc, n) => {
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPABILITIES.has(cap)) b('Capabilities', `container ${n} adds ${cap}`);
  });
  for (const v of spec.volumes ?? []) if (v.hostPath) b('HostPath Volumes', `volume ${v.name} is a hostPath`);
  each((_sc, n, c) => {
    for (const p of c.ports ?? []) if (p.hostPort !== undefined && p.hostPort !== 0) b('Host Ports', `container ${n} hostPort ${p.hostPort}`);
  });
  const appArmorOk = (profile: Obj | undefined) => profile?.type === undefined || profile.type === 'RuntimeDefault' || profile.type === 'Localhost';
  if (!appArmorOk(psc.appArmorProfile)) b('AppArmor', `pod appArmorProfile ${psc.appArmorProfile.type}`);
  each((sc, n) => !appArmorOk(sc.appArmorProfile) && b('AppArmor', `container ${n} appArmorProfile ${sc.appArmorProfile.type}`));
  for (const [k, v] of Object.entries((metadata.annotations ?? {}) as Record<string, string>)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/')) b('AppArmor', `annotation ${k}: ${v}`);
  }
  const seLinux = (opts: Obj | undefined, where: string) => {
    if (!opts) return;
    if (!SELINUX_TYPES.has(opts.type ?? '')) b('SELinux', `${where} seLinuxOptions.type ${opts.type}`);
    if (opts.user) b('SELinux', `${where} seLinuxOptions.user`);
    if (opts.role) b('SELinux', `${where} seLinuxOptions.role`);
  };
  seLinux(psc.seLinuxOptions, 'pod');
  each((sc, n) => seLinux(sc.seLinuxOptions, `container ${n}`));
  // An unmasked /proc is baseline-safe inside a user namespace (hostUsers: false, KEP-4265), as
  // the real admission of Kubernetes 1.37 decides (checked by pod-security-server.test.ts);
  // restricted still refuses it.
  each((sc, n) => {
    if (sc.procMount === undefined || sc.procMount === 'Default') return;
    if (spec.hostUsers === false) r('/proc Mount Type', `container ${n} procMount ${sc.procMount} (in a user namespace)`);
    else b('/proc Mount Type', `container ${n} procMount ${sc.procMount}`);
  });
  if (psc.seccompProfile?.type === 'Unconfined') b('Seccomp', 'pod seccompProfile Unconfined');
  each((sc, n) => sc.seccompProfile?.type === 'Unconfined' && b('Seccomp', `container ${n} seccompProfile Unconfined`));
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) b('Sysctls', `unsafe sysctl ${s.name}`);

  // ---- restricted
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.has(type)) r('Volume Types', `volume ${v.name} is ${type}`);
  }
  each((sc, n) => sc.allowPrivilegeEscalation !== false && r('Privilege Escalation', `container ${n} allowPrivilegeEscalation is not false`));
  each((sc, n) => {
    if (sc.runAsNonRoot === false) r('Running as Non-root', `container ${n} runAsNonRoot false`);
    else if (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true) r('Running as Non-root', `container ${n}: runAsNonRoot is set neither on it nor on the pod`);
  });
  if (psc.runAsUser === 0) r('Running as Non-root user', 'pod runAsUser 0');
  each((sc, n) => sc.runAsUser === 0 && r('Running as Non-root user', `container ${n} runAsUser 0`));
  const seccompOk = (p: Obj | undefined) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  each((sc, n) => {
    if (sc.seccompProfile !== undefined ? !seccompOk(sc.seccompProfile) : !seccompOk(psc.seccompProfile)) r('Seccomp', `container ${n}: seccompProfile is neither RuntimeDefault nor Localhost (on it or the pod)`);
  });
  each((sc, n) => {
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) r('Capabilities', `container ${n} does not drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') r('Capabilities', `container ${n} adds ${cap}`);
  });
  return out;
}

export function levelOf(pod: { spec: Obj; metadata: Obj }): Level {
  const v = violations(pod);
  if (v.some((x) => x.level === 'baseline')) return 'privileged';
  if (v.length > 0) return 'baseline';
  return 'restricted';
}
