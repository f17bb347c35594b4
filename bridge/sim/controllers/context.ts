// What every controller gets: the API (all writes go through it), the store (cheap reads and
// events), the clock and the manager (queueing).
import type { SimApi } from '../api.ts';
import type { Clock } from '../clock.ts';
import type { NameSource } from '../names.ts';
import type { Store } from '../store.ts';
import type { ControllerManager } from './manager.ts';

export interface ControllerContext {
  api: SimApi;
  store: Store;
  clock: Clock;
  manager: ControllerManager;
  names: NameSource;
}

export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name}` : String(name);
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
