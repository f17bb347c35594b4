// Maps request paths onto resources: /api/v1/..., /apis/<group>/<version>/..., namespaced and
// cluster-wide, with subresources and the legacy /watch/ prefix.
import { findResource, type ResourceType } from '../resources.ts';

export interface ResourcePath {
  res: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
  /** The deprecated /api/v1/watch/... form. */
  legacyWatch: boolean;
}

export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 3) {
    group = '';
    version = seg[1];
    rest = seg.slice(2);
  } else if (seg[0] === 'apis' && seg.length >= 4) {
    group = seg[1];
    version = seg[2];
    rest = seg.slice(3);
  } else return undefined;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const res = findResource(group, version, rest[2]);
    if (res?.namespaced) {
      if (rest.length > 5) return undefined;
      return { res, namespace: rest[1], name: rest[3], sub: rest[4], legacyWatch };
    }
  }
  const res = findResource(group, version, rest[0]);
  if (!res || rest.length > 3) return undefined;
  // A namespaced type addressed without a namespace only exists as a collection (all namespaces).
  if (res.namespaced && rest.length > 1) return undefined;
  return { res, name: rest[1], sub: rest[2], legacyWatch };
}
