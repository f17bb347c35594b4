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

export type Shape = true | { readonly [key: string]: Shape } | readonly [Shape];

/** A shape made ready for matching keys as bytes, without making strings of them. */
type Compiled = true | { array: Compiled } | { keys: Field[] };
interface Field {
  name: string;
  /** The key as it appears between the quotes (JSON-escaped). */
  bytes: Uint8Array;
  sub: Compiled;
}

const compiled = new WeakMap<object, Compiled>();

function compile(shape: Shape): Compiled {
  if (shape === true) return true;
  let c = compiled.get(shape);
  if (c !== undefined) return c;
  if (Array.isArray(shape)) c = { array: compile((shape as readonly [Shape])[0]) };
  else {
    const fields = shape as { readonly [key: string]: Shape };
    c = { keys: Object.keys(fields).map((name) => ({ name, bytes: Buffer.from(JSON.stringify(name).slice(1, -1)), sub: compile(fields[name]) })) };
  }
  compiled.set(shape, c);
  return c;
}

// The bytes that give JSON its structure.
const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA, COLON] = [34, 92, 123, 125, 91, 93, 44, 58];

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded JSON */
class Reader {
  i = 0;
  constructor(private readonly b: Buffer & { utf8Slice(start: number, end: number): string }) {}

  private fail(what: string): never {
    throw new SyntaxError(`${what} at byte ${this.i}`);
  }

  private ws(): number {
    const b = this.b;
    let c = b[this.i];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++this.i];
    return c;
  }

  private expect(c: number): void {
    if (this.ws() !== c) this.fail(`expected '${String.fromCharCode(c)}'`);
    this.i++;
  }

  /** From an opening quote to just past the closing one; the index of the closing quote. */
  private skipString(): number {
    const b = this.b;
    const n = b.length;
    let k = this.i + 1;
    for (;;) {
      let c = b[k];
      // Most strings are short: a loop beats a call into indexOf.
      while (c !== QUOTE && c !== BACKSLASH && k < n) c = b[++k];
      if (c === QUOTE) {
        this.i = k + 1;
        return k;
      }
      if (k >= n) this.fail('unterminated string');
      k += 2; // an escape: the next byte is never the end
    }
  }

  /** Skips one value of any kind. */
  private skip(): void {
    const b = this.b;
    const c = this.ws();
    if (c === QUOTE) {
      this.skipString();
      return;
    }
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
      // A number or a literal: up to the next delimiter.
      let k = this.i;
      for (let d = b[k]; k < b.length && d !== COMMA && d !== CLOSE_OBJECT && d !== CLOSE_ARRAY && d !== 32 && d !== 10 && d !== 13 && d !== 9; d = b[++k]);
      if (k === this.i) this.fail('expected a value');
      this.i = k;
      return;
    }
    let depth = 0;
    for (let k = this.i; k < b.length; ) {
      const d = b[k];
      if (d === QUOTE) {
        this.i = k;
        k = this.skipString() + 1;
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

  /** One whole value, decoded. Plain strings (no escapes) skip JSON.parse. */
  private whole(): any {
    const b = this.b;
    const c = this.ws();
    const start = this.i;
    if (c === QUOTE) {
      const end = this.skipString();
      let k = start + 1;
      while (k < end && b[k] !== BACKSLASH) k++;
      if (k === end) return b.utf8Slice(start + 1, end);
      return JSON.parse(b.utf8Slice(start, end + 1));
    }
    this.skip();
    return JSON.parse(b.utf8Slice(start, this.i));
  }

  /** Which of the shape's keys the key at the cursor is (by its bytes), or undefined. */
  private key(keys: Field[]): Field | undefined {
    if (this.ws() !== QUOTE) this.fail('expected a key');
    const start = this.i + 1;
    const len = this.skipString() - start;
    const b = this.b;
    for (let j = 0; j < keys.length; j++) {
      const kb = keys[j].bytes;
      if (kb.length !== len) continue;
      let m = 0;
      while (m < len && kb[m] === b[start + m]) m++;
      if (m === len) return keys[j];
    }
    return undefined;
  }

  value(shape: Compiled): any {
    if (shape === true) return this.whole();
    const c = this.ws();
    if ('array' in shape) {
      if (c !== OPEN_ARRAY) return this.whole();
      this.i++;
      const out: any[] = [];
      if (this.ws() === CLOSE_ARRAY) {
        this.i++;
        return out;
      }
      for (;;) {
        out.push(this.value(shape.array));
        const d = this.ws();
        this.i++;
        if (d === CLOSE_ARRAY) return out;
        if (d !== COMMA) this.fail("expected ',' or ']'");
      }
    }
    if (c !== OPEN_OBJECT) return this.whole();
    this.i++;
    const out: Record<string, any> = {};
    if (this.ws() === CLOSE_OBJECT) {
      this.i++;
      return out;
    }
    const keys = shape.keys;
    for (;;) {
      const field = this.key(keys);
      this.expect(COLON);
      if (field === undefined) this.skip();
      else out[field.name] = this.value(field.sub);
      const d = this.ws();
      this.i++;
      if (d === CLOSE_OBJECT) return out;
      if (d !== COMMA) this.fail("expected ',' or '}'");
    }
  }

  end(): void {
    if (this.ws() !== undefined) this.fail('unexpected data after the document');
  }
}

/** The parts of the JSON document in `bytes` that `shape` names. */
export function project(bytes: Buffer, shape: Shape): any {
  const r = new Reader(bytes as Buffer & { utf8Slice(start: number, end: number): string });
  const v = r.value(compile(shape));
  r.end();
  return v;
}
