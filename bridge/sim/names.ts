// Names and hashes that look like the ones a real cluster makes, from a seeded generator so a
// test run is reproducible.

// k8s.io/apimachinery/pkg/util/rand: no vowels (no accidental words), no ambiguous 0/1/3.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export class NameSource {
  private state: number;

  constructor(seed = 0x9e3779b9) {
    this.state = seed >>> 0 || 1;
  }

  /** xorshift32: tiny, fast and deterministic; not for anything secret. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  suffix(length = 5): string {
    let s = '';
    for (let i = 0; i < length; i++) s += ALPHANUMS[this.next() % ALPHANUMS.length];
    return s;
  }

  uid(): string {
    const hex = (n: number) => this.next().toString(16).padStart(8, '0').slice(0, n);
    const variant = ((this.next() & 0x3) | 0x8).toString(16);
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(8)}${hex(4)}`;
  }
}

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: how the controllers turn a numeric hash into a name suffix. */
export function safeEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += ALPHANUMS[text.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** Stable JSON (sorted keys) so equal templates hash equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    const keys = Object.keys(rec).filter((k) => rec[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(rec[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The pod-template-hash of a Deployment's template, in the shape Kubernetes uses. */
export function templateHash(template: unknown, collisionCount = 0): string {
  const h = fnv32a(canonicalJson(template) + (collisionCount ? String(collisionCount) : ''));
  return safeEncode(String(h));
}
