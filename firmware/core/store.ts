// Numeric stores: every array the core indexes comes from newStore(), never from an array literal
// (tools/portable rule no-core-array-literal). This file is the plain version (Node, Lua): Lua
// tables are O(1) and grow as they are written. The Espruino builds swap in
// targets/espruino/store.ts, whose stores are typed arrays: flat, 1 to 8 bytes a cell, O(1),
// where a plain Espruino Array is a linked list (a[i] walks i elements) costing a JsVar a cell.
// Portable subset.

/** Cell kinds: the size a typed array needs (targets/espruino/store.ts), plus how it is used. */
export const BYTE = 1;
export const SHORT = 2;
export const INT = 4;
/** Milliseconds (need a double). */
export const TIME = 8;
/**
 * Written before read, in index order (record n is written only after records 0..n-1): the
 * plain store starts empty and grows, so a Lua board pays only for the pods it has.
 */
export const GROW = 16;
/** Indexed by an id (a lane, a group, a hash slot): read through cell(), absent reads as 0. */
export const SPARSE = 32;

/** Most pods a board tracks; board builds set the profile's maxPods here (firmware/build.ts). */
export const POD_LIMIT = 512;

export type Store = number[];

/** A store of `n` cells of `kind`, all 0 (GROW and SPARSE: empty, see above). */
export function newStore(n: number, kind: number): Store {
  const a: number[] = [];
  if (kind < GROW) for (let i = 0; i < n; i++) a.push(0);
  return a;
}

/** Cell `i` of a SPARSE store (0 where never written: a plain store has a hole there). */
export function cell(s: Store, i: number): number {
  return s[i] || 0;
}
