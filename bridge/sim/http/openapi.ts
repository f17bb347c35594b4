// A minimal OpenAPI v3: just enough for kubectl to learn that every type accepts the
// fieldValidation query parameter on PATCH, so `kubectl apply/create` validate on the server
// (which accepts every field) and need no --validate=false. There are no schemas: kubectl then
// computes strategic merge patches from its built-in types, and `kubectl explain` cannot work.
import { RESOURCES, type ResourceType } from '../resources.ts';

function gvPath(r: ResourceType): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

export function openApiV3Index(): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const r of RESOURCES) {
    const p = gvPath(r);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=podlights-sim-1` };
  }
  return { paths };
}

export function openApiV3Document(path: string): unknown | undefined {
  const rs = RESOURCES.filter((r) => gvPath(r) === path);
  if (rs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of rs) {
    const item = r.namespaced ? `/${path}/namespaces/{namespace}/${r.plural}/{name}` : `/${path}/${r.plural}/{name}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const param = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    const body = { content: { 'application/json-patch+json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } } } };
    paths[item] = {
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation'), param('force')],
        requestBody: body,
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (podlights simulator)', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
