// Errors carry a Kubernetes Status body, so the HTTP layer can answer exactly what a real API
// server would and in-process callers (controllers, scenarios) can branch on `reason`.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[]; retryAfterSeconds?: number };
  code: number;
}

export interface ResourceRef {
  group: string;
  plural: string;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusBody['details'];

  constructor(opts: { code: number; reason: string; message: string; details?: StatusBody['details'] }) {
    super(opts.message);
    this.name = 'StatusError';
    this.code = opts.code;
    this.reason = opts.reason;
    this.details = opts.details;
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

// `pods "x"` / `deployments.apps "x"`: the qualified resource as kubectl prints it.
function qualified(res: ResourceRef): string {
  return res.group ? `${res.plural}.${res.group}` : res.plural;
}

function details(res: ResourceRef, name?: string): StatusBody['details'] {
  const d: StatusBody['details'] = { kind: res.plural };
  if (name !== undefined) d.name = name;
  if (res.group) d.group = res.group;
  return d;
}

export const errors = {
  notFound: (res: ResourceRef, name: string) =>
    new StatusError({ code: 404, reason: 'NotFound', message: `${qualified(res)} "${name}" not found`, details: details(res, name) }),
  alreadyExists: (res: ResourceRef, name: string) =>
    new StatusError({ code: 409, reason: 'AlreadyExists', message: `${qualified(res)} "${name}" already exists`, details: details(res, name) }),
  conflict: (res: ResourceRef, name: string, why: string) =>
    new StatusError({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ${qualified(res)} "${name}": ${why}`,
      details: details(res, name),
    }),
  invalid: (kind: string, name: string, causes: StatusCause[]) =>
    new StatusError({
      code: 422,
      reason: 'Invalid',
      message: `${kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      details: { name, kind, causes },
    }),
  badRequest: (message: string) => new StatusError({ code: 400, reason: 'BadRequest', message }),
  methodNotAllowed: (message = 'the server does not allow this method on the requested resource') =>
    new StatusError({ code: 405, reason: 'MethodNotAllowed', message }),
  notAcceptable: (message: string) => new StatusError({ code: 406, reason: 'NotAcceptable', message }),
  unsupportedMediaType: (type: string) =>
    new StatusError({ code: 415, reason: 'UnsupportedMediaType', message: `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${type})` }),
  expired: (message: string) => new StatusError({ code: 410, reason: 'Expired', message }),
  gone: (message: string) => new StatusError({ code: 410, reason: 'Gone', message }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new StatusError({ code: 429, reason: 'TooManyRequests', message: 'Too many requests, please try again later.', details: { retryAfterSeconds } }),
  internal: (message: string) =>
    new StatusError({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}` }),
  unavailable: (message: string) => new StatusError({ code: 503, reason: 'ServiceUnavailable', message }),
  timeout: (message: string, causeReason: string) =>
    new StatusError({ code: 504, reason: 'Timeout', message, details: { causes: [{ reason: causeReason, message }], retryAfterSeconds: 1 } }),
  pathNotFound: () => new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} }),
  forbidden: (message: string) => new StatusError({ code: 403, reason: 'Forbidden', message }),
};

export function isStatusError(err: unknown, reason?: string): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.reason === reason);
}
