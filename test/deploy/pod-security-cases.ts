// Pods for checking a Pod Security check: one that meets "restricted", and one way to break each
// control with the level the pod then meets. Used against our own check and, when a real
// control plane is at hand, against the real PodSecurity admission.
import type { Level } from './pod-security.ts';

export interface TestPod {
  spec: Record<string, any>;
  metadata: Record<string, any>;
}

/** A pod that meets "restricted" (and the API's validation), to break one control at a time. */
export function restrictedPod(): TestPod {
  return {
    metadata: {},
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 1883 }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      volumes: [{ name: 'cfg', configMap: { name: 'x' } }],
    },
  };
}

export const CASES: [what: string, level: Level, control: string, breakIt: (p: TestPod) => void][] = [
  ['privileged', 'privileged', 'Privileged Containers', (p) => (p.spec.containers[0].securityContext.privileged = true)],
  ['hostNetwork', 'privileged', 'Host Namespaces', (p) => (p.spec.hostNetwork = true)],
  ['hostPID', 'privileged', 'Host Namespaces', (p) => (p.spec.hostPID = true)],
  ['hostIPC', 'privileged', 'Host Namespaces', (p) => (p.spec.hostIPC = true)],
  ['hostPort', 'privileged', 'Host Ports', (p) => (p.spec.containers[0].ports[0].hostPort = 1883)],
  ['hostPath', 'privileged', 'HostPath Volumes', (p) => p.spec.volumes.push({ name: 'dev', hostPath: { path: '/dev' } })],
  ['SYS_ADMIN', 'privileged', 'Capabilities', (p) => (p.spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'])],
  ['procMount', 'privileged', '/proc Mount Type', (p) => (p.spec.containers[0].securityContext.procMount = 'Unmasked')],
  ['procMount in a user namespace', 'baseline', '/proc Mount Type', (p) => Object.assign(p.spec, { hostUsers: false }) && (p.spec.containers[0].securityContext.procMount = 'Unmasked')],
  ['unsafe sysctl', 'privileged', 'Sysctls', (p) => (p.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '1' }])],
  ['seccomp Unconfined', 'privileged', 'Seccomp', (p) => (p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' })],
  ['AppArmor unconfined', 'privileged', 'AppArmor', (p) => (p.spec.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' })],
  ['AppArmor annotation', 'privileged', 'AppArmor', (p) => (p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' })],
  ['SELinux type', 'privileged', 'SELinux', (p) => (p.spec.securityContext.seLinuxOptions = { type: 'spc_t' })],
  ['SELinux user', 'privileged', 'SELinux', (p) => (p.spec.containers[0].securityContext.seLinuxOptions = { user: 'system_u' })],
  ['hostProcess', 'privileged', 'HostProcess', (p) => (p.spec.securityContext.windowsOptions = { hostProcess: true })],
  ['a privileged init container', 'privileged', 'Privileged Containers', (p) => (p.spec.initContainers = [{ name: 'init', image: 'registry.k8s.io/pause:3.10', securityContext: { privileged: true } }])],
  ['escalation allowed', 'baseline', 'Privilege Escalation', (p) => delete p.spec.containers[0].securityContext.allowPrivilegeEscalation],
  ['root allowed', 'baseline', 'Running as Non-root', (p) => delete p.spec.securityContext.runAsNonRoot],
  ['container runAsNonRoot false', 'baseline', 'Running as Non-root', (p) => (p.spec.containers[0].securityContext.runAsNonRoot = false)],
  ['runAsUser 0', 'baseline', 'Running as Non-root user', (p) => (p.spec.containers[0].securityContext.runAsUser = 0)],
  ['no seccomp profile', 'baseline', 'Seccomp', (p) => delete p.spec.securityContext.seccompProfile],
  ['capabilities kept', 'baseline', 'Capabilities', (p) => (p.spec.containers[0].securityContext.capabilities.drop = [])],
  ['CHOWN added', 'baseline', 'Capabilities', (p) => (p.spec.containers[0].securityContext.capabilities.add = ['CHOWN'])],
  ['an nfs volume', 'baseline', 'Volume Types', (p) => p.spec.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } })],
];
