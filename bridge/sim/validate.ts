// The validation that matters for the resources the simulator serves: names, labels, workload
// selectors against template labels, containers, strategy fields and immutable selectors.
// Anything not checked here is accepted (listed in README: differences).
import { errors, type StatusCause } from './errors.ts';
import { deepEqual } from './objects.ts';
import { R, type ResourceType } from './resources.ts';
import { labelSelectorFromSpec } from './selectors.ts';
import type { KubeObject } from './types.ts';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkName(res: ResourceType, name: string, causes: StatusCause[]): void {
  const label = res === R.namespaces;
  const svc = res === R.services;
  const ok = svc ? DNS1035_LABEL.test(name) && name.length <= 63 : label ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    const rule = svc ? 'a DNS-1035 label' : label ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "${name}": must be ${rule}` });
  }
}

function checkLabels(labels: Record<string, string> | undefined, field: string, causes: StatusCause[]): void {
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(k)) causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'` });
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63) {
      causes.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.'` });
    }
  }
}

function checkPodSpec(spec: any, field: string, causes: StatusCause[]): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ reason: 'FieldValueRequired', field: `${field}.containers`, message: 'Required value' });
    return;
  }
  const seen = new Set<string>();
  containers.forEach((c: any, i: number) => {
    const f = `${field}.containers[${i}]`;
    if (typeof c?.name !== 'string' || !DNS1123_LABEL.test(c.name)) causes.push({ reason: 'FieldValueInvalid', field: `${f}.name`, message: `Invalid value: "${String(c?.name)}": must be a DNS label` });
    else if (seen.has(c.name)) causes.push({ reason: 'FieldValueDuplicate', field: `${f}.name`, message: `Duplicate value: "${c.name}"` });
    else seen.add(c.name);
    if (typeof c?.image !== 'string' || c.image.trim() === '') causes.push({ reason: 'FieldValueRequired', field: `${f}.image`, message: 'Required value' });
  });
}

function checkWorkload(res: ResourceType, obj: KubeObject, causes: StatusCause[]): void {
  const spec = obj.spec ?? {};
  const selector = spec.selector;
  const hasSelector = selector && (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0);
  if (!hasSelector) causes.push({ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' });
  else if (!labelSelectorFromSpec(selector).matches(spec.template?.metadata?.labels)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.template.metadata.labels', message: 'Invalid value: `selector` does not match template `labels`' });
  }
  checkLabels(spec.template?.metadata?.labels, 'spec.template.metadata.labels', causes);
  checkPodSpec(spec.template?.spec, 'spec.template.spec', causes);
  if (res !== R.daemonsets && (typeof spec.replicas !== 'number' || spec.replicas < 0 || !Number.isInteger(spec.replicas))) {
    causes.push({ reason: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${String(spec.replicas)}: must be greater than or equal to 0` });
  }
  if (res === R.deployments) {
    const st = spec.strategy ?? {};
    if (st.type !== 'RollingUpdate' && st.type !== 'Recreate') {
      causes.push({ reason: 'FieldValueNotSupported', field: 'spec.strategy.type', message: `Unsupported value: "${String(st.type)}": supported values: "Recreate", "RollingUpdate"` });
    }
    if (st.type === 'Recreate' && st.rollingUpdate) {
      causes.push({ reason: 'FieldValueForbidden', field: 'spec.strategy.rollingUpdate', message: "Forbidden: may not be specified when strategy `type` is 'Recreate'" });
    }
    if (st.type === 'RollingUpdate') {
      const zero = (v: unknown) => v === 0 || v === '0' || v === '0%';
      if (zero(st.rollingUpdate?.maxSurge) && zero(st.rollingUpdate?.maxUnavailable)) {
        causes.push({ reason: 'FieldValueInvalid', field: 'spec.strategy.rollingUpdate.maxUnavailable', message: 'Invalid value: 0: may not be 0 when `maxSurge` is 0' });
      }
    }
  }
}

export function validate(res: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = String(obj.metadata.name ?? '');
  if (!name) causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else checkName(res, name, causes);
  checkLabels(obj.metadata.labels, 'metadata.labels', causes);
  if (res === R.pods) checkPodSpec(obj.spec, 'spec', causes);
  if (res === R.deployments || res === R.replicasets || res === R.statefulsets || res === R.daemonsets) {
    checkWorkload(res, obj, causes);
    if (old && !deepEqual(old.spec?.selector, obj.spec?.selector)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.selector', message: 'Invalid value: field is immutable' });
    }
  }
  if (res === R.pods && old?.spec?.nodeName && obj.spec?.nodeName !== old.spec.nodeName) {
    causes.push({ reason: 'FieldValueForbidden', field: 'spec.nodeName', message: 'Forbidden: pod updates may not change spec.nodeName' });
  }
  if (causes.length) throw errors.invalid(String(obj.kind ?? res.kind), name, causes);
}
