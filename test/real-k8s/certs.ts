// The control plane's PKI, made with openssl: a CA, the API server's serving certificate (for
// 127.0.0.1 and localhost), client certificates (admin in system:masters, and any user a test
// wants), and the service-account signing key pair.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  saKey: string;
  saPub: string;
}

function openssl(openssl: string, args: string[]): void {
  execFileSync(openssl, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A client certificate signed by the CA: CN is the user name, O the groups. */
export function clientCert(pki: Pki, name: string, user: string, groups: string[], bin = 'openssl'): { cert: string; key: string } {
  const key = join(pki.dir, `${name}.key`);
  const csr = join(pki.dir, `${name}.csr`);
  const cert = join(pki.dir, `${name}.crt`);
  const subject = `/CN=${user}${groups.map((g) => `/O=${g}`).join('')}`;
  openssl(bin, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subject, '-out', csr]);
  const ext = join(pki.dir, `${name}.ext`);
  writeFileSync(ext, 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  openssl(bin, ['x509', '-req', '-in', csr, '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert]);
  return { cert, key };
}

export function makePki(dir: string, bin = 'openssl'): Pki {
  const p = (f: string) => join(dir, f);
  const pki: Pki = { dir, caCert: p('ca.crt'), caKey: p('ca.key'), serverCert: p('apiserver.crt'), serverKey: p('apiserver.key'), saKey: p('sa.key'), saPub: p('sa.pub') };
  openssl(bin, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', pki.caKey, '-out', pki.caCert, '-days', '2', '-subj', '/CN=podlights-test-ca']);
  const ext = p('apiserver.ext');
  const sans = ['IP:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'IP:10.96.0.1'];
  writeFileSync(ext, `subjectAltName=${sans.join(',')}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  openssl(bin, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', pki.serverKey, '-subj', '/CN=kube-apiserver', '-out', p('apiserver.csr')]);
  openssl(bin, ['x509', '-req', '-in', p('apiserver.csr'), '-CA', pki.caCert, '-CAkey', pki.caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', pki.serverCert]);
  openssl(bin, ['genrsa', '-out', pki.saKey, '2048']);
  openssl(bin, ['rsa', '-in', pki.saKey, '-pubout', '-out', pki.saPub]);
  return pki;
}

const b64 = (file: string) => readFileSync(file).toString('base64');

/** A kubeconfig with one context; the user is a client certificate or a bearer token. */
export function kubeconfigYaml(opts: { server: string; caCert: string; context?: string; cert?: { cert: string; key: string }; token?: string }): string {
  const context = opts.context ?? 'real';
  const user = opts.token
    ? `    token: ${opts.token}`
    : `    client-certificate-data: ${b64(opts.cert!.cert)}\n    client-key-data: ${b64(opts.cert!.key)}`;
  return `apiVersion: v1
kind: Config
clusters:
- name: ${context}
  cluster:
    server: ${opts.server}
    certificate-authority-data: ${b64(opts.caCert)}
users:
- name: ${context}
  user:
${user}
contexts:
- name: ${context}
  context:
    cluster: ${context}
    user: ${context}
current-context: ${context}
`;
}
