// Injected into every Espruino build (bundle.ts): `Math.floor` is written 40 times in the core
// and the codec; as one bundle-wide alias it minifies to a one-letter call. Espruino's Math
// functions do not use `this`, so the alias behaves the same. (Read through another name so the
// define that turns Math.floor into mathFloor does not rewrite this line too.)
const math = Math;
export const mathFloor = math.floor;
