// Decodes only the parts of a JSON document that a shape names, straight from the bytes: the
// rest (a pod's managedFields, spec.containers, volumes, image ids...) is skipped without making
// a string or an object of it. A pod watch event is 3-5 KB of JSON of which the view reads a few
// hundred bytes; JSON.parse builds all of it and the GC then throws it away, which made decoding
// the bridge's main cost per event. Skipping a string is a memchr for its closing quote.
//
// A shape is `true` (the value as JSON.parse gives it), an object (of an object value, only the
// keys it names, each by its own shape), or a one-element array (of an array value, each element
// by that shape). A value whose type does not fit its shape is taken whole. The input must be
// valid JSON (the API server's); a malformed document throws a SyntaxError.

export type Shape = true | { readonly [key: string]: Shape } | readonly [Shape] | Decoder;

/** Decodes the value at the reader's cursor its own way (e.g. straight into a lean shape). */
export type Decoder = (r: JsonReader) => unknown;

/** A shape made ready for matching keys as bytes, without making strings of them. */
type Compiled = true | Decoder | { array: Compiled } | { keys: Field[]; keyBytes: Uint8Array[] };
interface Field {
  name: string;
  /** The key as it appears between the quotes (JSON-escaped). */
  bytes: Uint8Array;
  sub: Compiled;
}

const compiled = new WeakMap<object, Compiled>();

/** A key as it appears between the quotes of a JSON document (as JSON.stringify writes it). */
export function keyBytes(name: string): Uint8Array {
  return Buffer.from(JSON.stringify(name).slice(1, -1));
}

function compile(shape: Shape): Compiled {
  if (shape === true || typeof shape === 'function') return shape;
  let c = compiled.get(shape);
  if (c !== undefined) return c;
  if (Array.isArray(shape)) c = { array: compile((shape as readonly [Shape])[0]) };
  else {
    const fields = shape as { readonly [key: string]: Shape };
    const keys = Object.keys(fields).map((name) => ({ name, bytes: keyBytes(name), sub: compile(fields[name]) }));
    c = { keys, keyBytes: keys.map((f) => f.bytes) };
  }
  compiled.set(shape, c);
  return c;
}

// The bytes that give JSON its structure.
const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA, COLON] = [34, 92, 123, 125, 91, 93, 44, 58];

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded JSON */
export class JsonReader {
  i = 0;
  /** Where the document starts and ends in the buffer (see reset()). */
  private start = 0;
  private n: number;
  /** The last string skipped held an escape (whole() then needs JSON.parse for it). */
  private escaped = false;
  constructor(private b: Buffer & { utf8Slice(start: number, end: number): string }) {
    this.n = b.length;
  }

  /**
   * Reads another document, bytes [start, end) of `b` (one reader serves every event: no
   * allocation per event). The byte at `end`, if any, must be a newline (a watch line's end):
   * nothing is read past it.
   */
  reset(b: Buffer, start = 0, end = b.length): this {
    this.b = b as Buffer & { utf8Slice(start: number, end: number): string };
    this.i = this.start = start;
    this.n = end;
    return this;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at byte ${this.i - this.start}`);
  }

  /** Skips whitespace; the byte at the cursor (undefined at the end of the document). */
  ws(): number {
    const b = this.b;
    let c = b[this.i];
    if (c > 32) return c; // not whitespace: the common case, one compare
    const n = this.n;
    while (this.i < n && (c === 32 || c === 10 || c === 13 || c === 9)) c = b[++this.i];
    return this.i < n ? c : (undefined as unknown as number);
  }

  private expect(c: number): void {
    if (this.ws() !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.i++;
  }

  /** From an opening quote to just past the closing one; the index of the closing quote. */
  private skipString(): number {
    const b = this.b;
    const n = this.n;
    let k = this.i + 1;
    this.escaped = false;
    for (;;) {
      let c = b[k];
      // Most strings are short: a loop beats a call into indexOf.
      while (c !== QUOTE && c !== BACKSLASH && k < n) c = b[++k];
      if (c === QUOTE) {
        this.i = k + 1;
        return k;
      }
      if (k >= n) this.fail('unterminated string');
      this.escaped = true;
      k += 2; // an escape: the next byte is never the end
    }
  }

  /** Skips one value of any kind. */
  skip(): void {
    const b = this.b;
    const c = this.ws();
    if (c === QUOTE) {
      this.skipString();
      return;
    }
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
      // A number or a literal: up to the next delimiter.
      let k = this.i;
      for (let d = b[k]; k < this.n && d !== COMMA && d !== CLOSE_OBJECT && d !== CLOSE_ARRAY && d !== 32 && d !== 10 && d !== 13 && d !== 9; d = b[++k]);
      if (k === this.i) this.fail('expected a value');
      this.i = k;
      return;
    }
    let depth = 0;
    const n = this.n;
    for (let k = this.i; k < n; ) {
      const d = b[k];
      if (d === QUOTE) {
        // A string, inline: most of a pod's bytes (its spec, managedFields) pass through here.
        let c = b[++k];
        for (;;) {
          while (c !== QUOTE && c !== BACKSLASH && k < n) c = b[++k];
          if (c === QUOTE) break;
          if (k >= n) {
            this.i = k;
            this.fail('unterminated string');
          }
          k += 2; // an escape: the next byte is never the end
          c = b[k];
        }
        k++;
        continue;
      }
      if (d === OPEN_OBJECT || d === OPEN_ARRAY) depth++;
      else if ((d === CLOSE_OBJECT || d === CLOSE_ARRAY) && --depth === 0) {
        this.i = k + 1;
        return;
      }
      k++;
    }
    this.fail('unexpected end');
  }

  /** One whole value, decoded. Plain strings (no escapes) and small integers skip JSON.parse. */
  whole(): any {
    const b = this.b;
    const c = this.ws();
    const start = this.i;
    if (c === QUOTE) {
      const end = this.skipString();
      return this.escaped ? JSON.parse(b.utf8Slice(start, end + 1)) : b.utf8Slice(start + 1, end);
    }
    if (c >= 48 && c <= 57) {
      // A counter (restartCount, a port): digits up to a delimiter, no sign, fraction or exponent.
      let v = 0;
      let k = start;
      for (let d = c; d >= 48 && d <= 57 && k - start < 15; d = b[++k]) v = v * 10 + d - 48;
      const d = k < this.n ? b[k] : undefined;
      if (d === COMMA || d === CLOSE_OBJECT || d === CLOSE_ARRAY || d === undefined || d === 32 || d === 10 || d === 13 || d === 9) {
        if (c !== 48 || k === start + 1) {
          this.i = k;
          return v;
        }
      }
    }
    this.skip();
    return JSON.parse(b.utf8Slice(start, this.i));
  }

  /** Which of `keys` (as keyBytes gives them) the key at the cursor is, or -1; past its colon. */
  keyIndex(keys: readonly Uint8Array[]): number {
    if (this.ws() !== QUOTE) this.fail('expected a key');
    const start = this.i + 1;
    const len = this.skipString() - start;
    this.expect(COLON);
    return this.matchAt(keys, start, len);
  }

  private matchAt(keys: readonly Uint8Array[], start: number, len: number): number {
    const b = this.b;
    for (let j = 0; j < keys.length; j++) {
      const kb = keys[j];
      if (kb.length !== len) continue;
      let m = 0;
      while (m < len && kb[m] === b[start + m]) m++;
      if (m === len) return j;
    }
    return -1;
  }

  /**
   * Walks an object: `field(index)` for each key among `keys` (it must read the value), the other
   * values skipped. False (the value skipped) when the value is not an object.
   */
  fields(keys: readonly Uint8Array[], field: (index: number) => void): boolean {
    return this.sequence(OPEN_OBJECT, CLOSE_OBJECT, keys, field);
  }

  /** Walks an array: `element()` for each (it must read the value). False (skipped) for a non-array. */
  elements(element: () => void): boolean {
    return this.sequence(OPEN_ARRAY, CLOSE_ARRAY, undefined, element);
  }

  /**
   * The items of an object (`keys` given: each key matched, then `item(index)` or a skip) or an
   * array (`item(-1)` per element), up to `close`. No closure per call: this runs for every
   * object of every event.
   */
  private sequence(open: number, close: number, keys: readonly Uint8Array[] | undefined, item: (index: number) => void): boolean {
    if (this.ws() !== open) {
      this.skip();
      return false;
    }
    this.i++;
    if (this.ws() === close) {
      this.i++;
      return true;
    }
    for (;;) {
      if (keys === undefined) item(-1);
      else {
        const j = this.keyIndex(keys);
        if (j < 0) this.skip();
        else item(j);
      }
      const d = this.ws();
      this.i++;
      if (d === close) return true;
      if (d !== COMMA) this.fail(`expected ',' or '${String.fromCharCode(close)}'`);
    }
  }

  /**
   * The value at the cursor as `table` holds it, found by the bytes of its JSON text: a value
   * seen before makes no string at all. On a miss, `make` turns the text into the value (give a
   * function made once, not a closure per call).
   */
  interned<T>(table: ByteTable<T>, make: (json: string) => T): T {
    const start = (this.ws(), this.i);
    this.skip();
    const b = this.b;
    const end = this.i;
    let h = 0x811c9dc5 ^ (end - start);
    for (let k = start; k < end; k++) h = Math.imul(h ^ b[k], 0x01000193);
    const found = table.get(b, start, end, h);
    return found !== undefined ? found : table.put(b, start, end, h, make(b.utf8Slice(start, end)));
  }

  /** The value's JSON text as it stands in the document. */
  raw(): string {
    const start = (this.ws(), this.i);
    this.skip();
    return this.b.utf8Slice(start, this.i);
  }

  /** A string value, or undefined (the value skipped) for anything else. */
  string(): string | undefined {
    if (this.ws() !== QUOTE) {
      this.skip();
      return undefined;
    }
    return this.whole() as string;
  }

  /** Which of `values` (as keyBytes gives them) a string value is, or -1; no string is made. */
  stringIndex(values: readonly Uint8Array[]): number {
    if (this.ws() !== QUOTE) {
      this.skip();
      return -1;
    }
    const start = this.i + 1;
    const len = this.skipString() - start;
    return this.matchAt(values, start, len);
  }

  /** The value is there and not null. */
  present(): boolean {
    const isNull = this.ws() === 110; // 'n'
    this.skip();
    return !isNull;
  }

  value(shape: Compiled): any {
    if (shape === true) return this.whole();
    if (typeof shape === 'function') return shape(this);
    if ('array' in shape) {
      if (this.ws() !== OPEN_ARRAY) return this.whole();
      const out: any[] = [];
      const sub = shape.array;
      this.elements(() => out.push(this.value(sub)));
      return out;
    }
    if (this.ws() !== OPEN_OBJECT) return this.whole();
    const out: Record<string, any> = {};
    const fields = shape.keys;
    this.fields(shape.keyBytes, (j) => (out[fields[j].name] = this.value(fields[j].sub)));
    return out;
  }

  end(): void {
    if (this.ws() !== undefined) this.fail('unexpected data after the document');
  }
}

/**
 * Values by the bytes of their JSON text (see JsonReader.interned): label sets, owners, namespace
 * and node names shared by many pods. Bounded: a table that fills up starts over (the sharing is
 * lost, nothing else).
 */
export class ByteTable<T> {
  private readonly buckets = new Map<number, { bytes: Uint8Array; value: T }[]>();
  private size = 0;
  constructor(private readonly max: number) {}

  get(b: Uint8Array, start: number, end: number, hash: number): T | undefined {
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) return undefined;
    const len = end - start;
    for (const e of bucket) {
      const x = e.bytes;
      if (x.length !== len) continue;
      let k = 0;
      while (k < len && x[k] === b[start + k]) k++;
      if (k === len) return e.value;
    }
    return undefined;
  }

  put(b: Uint8Array, start: number, end: number, hash: number, value: T): T {
    if (this.size >= this.max) {
      this.buckets.clear();
      this.size = 0;
    }
    const entry = { bytes: Uint8Array.prototype.slice.call(b, start, end), value };
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, [entry]);
    else bucket.push(entry);
    this.size++;
    return value;
  }
}

/** JSON.parse as a `make` for JsonReader.interned (made once). */
export const parseJson = (json: string): unknown => JSON.parse(json);

const EMPTY = Buffer.alloc(0);
const shared = new JsonReader(EMPTY as Buffer & { utf8Slice(start: number, end: number): string });
let busy = false;

/**
 * The parts of the JSON document in `bytes` (or in its bytes [start, end), when the byte at `end`
 * is a newline: a watch line read in place) that `shape` names.
 */
export function project(bytes: Buffer, shape: Shape, start = 0, end = bytes.length): any {
  if (end < bytes.length && bytes[end] !== 10) {
    bytes = bytes.subarray(start, end);
    start = 0;
    end = bytes.length;
  }
  // One reader for all documents; a decoder that projects another document inside gets its own.
  const mine = !busy;
  const r = mine ? shared.reset(bytes, start, end) : new JsonReader(bytes as Buffer & { utf8Slice(start: number, end: number): string }).reset(bytes, start, end);
  busy = true;
  try {
    const v = r.value(compile(shape));
    r.end();
    return v;
  } finally {
    if (mine) {
      busy = false;
      shared.reset(EMPTY); // not keep the document alive
    }
  }
}
