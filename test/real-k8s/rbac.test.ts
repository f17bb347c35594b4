// RBAC denied on a real API server: the bridge runs with a service account that may watch nodes
// and workloads but not list pods. It must say so once and clearly (forbidden, RBAC, pods), and
// /readyz must name it, instead of looking like an outage.
import t from 'tap';
import { record } from './converge.ts';
import { bridgeOn, FILE_TIMEOUT_MS, realCluster, skipReason } from './setup.ts';

t.setTimeout(FILE_TIMEOUT_MS);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('a service account without list on pods', { skip: skipReason(), timeout: FILE_TIMEOUT_MS }, async (t) => {
  const cluster = await realCluster(t);
  const limited = await cluster.restrictedKubeconfig();
  const denied = await cluster.kubectlAs(limited, 'get', 'pods').then(
    () => 'allowed',
    (err: Error) => err.message,
  );
  t.match(denied, /forbidden/i, 'kubectl with that service account is forbidden to list pods (the premise)');

  const rig = await bridgeOn(t, limited);
  const problems: string[] = [];
  let readyz = { status: 0, body: '' };
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    readyz = await rig.readyz();
    if (/forbidden/i.test(readyz.body)) break;
    await sleep(500);
  }
  if (readyz.status === 200) problems.push(`/readyz answers 200 though pods cannot be listed: ${readyz.body.trim()}`);
  if (!/forbidden/i.test(readyz.body) || !/pods/i.test(readyz.body)) problems.push(`/readyz does not name the forbidden pod list: ${readyz.body.trim()}`);
  // Let the bridge retry for a while: it must not flood the log with the same complaint.
  await sleep(15_000);
  const about = rig.logs.filter((l) => /forbidden|403/i.test(l));
  if (!about.some((l) => /forbidden/i.test(l) && /pods/i.test(l) && /rbac|list/i.test(l))) problems.push(`no log line says the pod list is forbidden by RBAC; logs: ${rig.logs.slice(-8).join(' / ')}`);
  if (about.length > 8) problems.push(`${about.length} log lines about the same 403 in 15 s (say it once)`);
  if (rig.logs.some((l) => /unreachable/i.test(l))) problems.push('a 403 is reported as "unreachable"');
  const ok = problems.length === 0;
  if (ok) t.pass(`RBAC denied reported clearly: ${about[0]}`);
  else t.fail('RBAC denied not reported clearly', { diagnostic: true, problems });
  record('RBAC denied (no list on pods)', ok, problems.join(' | ').slice(0, 500));
});
