// What the Espruino builds put in place of the functions of firmware/core/store.ts (inline.ts,
// storeSources; the constants stay the core's): stores are typed arrays, flat (one JsVar block
// per 16 bytes instead of a JsVar per element) and O(1) to index, where a plain Array is a linked
// list. A typed array reads 0 where nothing was written, so GROW and SPARSE need nothing special.
// Kinds: 8 (TIME) a double, 4 (INT) 32 bits, 2 (SHORT) 16 bits, else a byte; +16/+32 are flags.
import type { Store } from '../../core/store.ts';

export function newStore(n: number, kind: number): Store {
  const size = kind % 16;
  const a = size === 8 ? new Float64Array(n) : size === 4 ? new Int32Array(n) : size === 2 ? new Int16Array(n) : new Uint8Array(n);
  return a as unknown as Store;
}

export function cell(s: Store, i: number): number {
  return s[i];
}
