// A small Lua minifier for typescript-to-lua bundles (Node only, used by firmware/build.ts).
// NodeMCU keeps source in flash and compiles it in a few KB of RAM, so every byte counts:
//   1. tokenize (strings, long brackets, comments, numbers, names, operators);
//   2. drop comments and re-join tokens with the least whitespace that keeps them apart, keeping
//      a line break wherever the source had one (Lua 5.1's "ambiguous syntax" rule and `(`-led
//      statements stay safe);
//   3. rename identifiers that are only ever locals (declared with `local`, as parameters or as
//      loop variables, never used as a field, table key or global) to short names. The renaming is
//      one-to-one over the whole file and avoids every other name in it, so scoping is unchanged.
// Strings, fields and globals (the NodeMCU API, the standard library) are never touched.

const KEYWORDS = new Set(
  'and break do else elseif end false for function goto if in local nil not or repeat return then true until while'.split(' '),
);

/** Globals a bundle may read; never renamed, never produced as a short name. */
const GLOBALS = new Set(
  (
    '_G _ENV _VERSION arg assert collectgarbage dofile error getmetatable ipairs load loadstring next pairs pcall ' +
    'print rawequal rawget rawlen rawset require select setmetatable tonumber tostring type unpack xpcall bit bit32 ' +
    'coroutine debug io math os package string table utf8 file gpio i2c mqtt net node pwm rtctime sjson spi tmr uart ' +
    'wifi ws2812 ws2801 apa102 pixbuf encoder crypto adc'
  ).split(' '),
);

/**
 * Functions of the standard library tables (string.find, table.insert, math.floor...): a field of
 * ours with the same name is not renamed, since `string.find` (typescript-to-lua's indexOf) would
 * be renamed with it.
 */
const LIBRARY_FIELDS = new Set(
  (
    'byte char dump find format gmatch gsub len lower match rep reverse sub upper pack packsize unpack ' +
    'concat insert move remove sort abs ceil floor fmod huge max maxinteger min mininteger modf pi sqrt tointeger type ult ' +
    'random randomseed exp log sin cos tan band bor bxor bnot lshift rshift arshift'
  ).split(' '),
);

/** Names typescript-to-lua makes up: `____exports`, `____constructor`, `__TS__New`... */
const INTERNAL = /^(____|__TS__)[A-Za-z0-9_]/;

interface Token {
  kind: 'name' | 'number' | 'string' | 'op';
  text: string;
  /** The whitespace before this token contained a line break. */
  nl: boolean;
}

const OPS = ['...', '..', '==', '~=', '<=', '>=', '<<', '>>', '//', '::'];

function longBracket(src: string, at: number): number {
  // Returns the level of a long bracket opening at `at` ([[, [=[ ...), or -1.
  if (src[at] !== '[') return -1;
  let j = at + 1;
  while (src[j] === '=') j++;
  return src[j] === '[' ? j - at - 1 : -1;
}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let nl = false;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '\n') {
      nl = true;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '-' && src[i + 1] === '-') {
      const level = longBracket(src, i + 2);
      if (level >= 0) {
        const close = ']' + '='.repeat(level) + ']';
        const end = src.indexOf(close, i);
        i = end < 0 ? n : end + close.length;
      } else {
        while (i < n && src[i] !== '\n') i++;
      }
    } else if (longBracket(src, i) >= 0) {
      const level = longBracket(src, i);
      const close = ']' + '='.repeat(level) + ']';
      const end = src.indexOf(close, i);
      const stop = end < 0 ? n : end + close.length;
      out.push({ kind: 'string', text: src.slice(i, stop), nl });
      nl = false;
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out.push({ kind: 'string', text: src.slice(i, j + 1), nl });
      nl = false;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(src[j])) j++;
      out.push({ kind: 'name', text: src.slice(i, j), nl });
      nl = false;
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F.]+([pP][+-]?[0-9]+)?|[0-9.]+([eE][+-]?[0-9]+)?)/.exec(src.slice(i, i + 64));
      const text = m ? m[0] : c;
      out.push({ kind: 'number', text, nl });
      nl = false;
      i += text.length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i)) ?? c;
      out.push({ kind: 'op', text: op, nl });
      nl = false;
      i += op.length;
    }
  }
  return out;
}

interface Names {
  /** Names declared as locals, parameters or loop variables somewhere. */
  declared: Set<string>;
  /** Per token: it is a field (after `.` or `:`) or a table constructor key. */
  member: boolean[];
}

/** Finds local declarations and member positions. */
function scanNames(tokens: Token[]): Names {
  const declared = new Set<string>();
  const member: boolean[] = [];
  // Block stack: 't' for a table constructor, 'b' for anything else; `name =` directly inside a
  // table constructor is a key. `if`, `while`, `for`, `function`, `repeat` and a lone `do` open
  // a block; `end` and `until` close one (`then`, `elseif` and a loop's `do` do not).
  const stack: string[] = [];
  let inParams = false;
  let pendingParams = false;
  let inLocal = false;
  let inFor = false;
  let loopDo = false;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    member.push(false);
    if (t.nl) inLocal = false;
    if (t.kind === 'op') {
      if (t.text === '(' && pendingParams) {
        pendingParams = false;
        inParams = true;
      }
      if (t.text === '{') stack.push('t');
      else if (t.text === '(' || t.text === '[') stack.push('b');
      else if (t.text === '}' || t.text === ')' || t.text === ']') stack.pop();
      if (t.text === ')') {
        if (inParams) inLocal = false;
        inParams = false;
      }
      if (t.text === '=' || t.text === ';') inLocal = false;
      continue;
    }
    if (t.kind !== 'name') continue;
    const isField = prev !== undefined && prev.kind === 'op' && (prev.text === '.' || prev.text === ':');
    const isKey = stack[stack.length - 1] === 't' && next !== undefined && next.text === '=' && !isField;
    if (isField || isKey) {
      member[k] = true;
      continue;
    }
    if (t.text === 'function') {
      stack.push('b');
      // Parameters follow the next `(`; `function a.b:c(` names are fields.
      pendingParams = true;
    } else if (t.text === 'if' || t.text === 'repeat') {
      stack.push('b');
    } else if (t.text === 'while' || t.text === 'for') {
      stack.push('b');
      loopDo = true;
      inFor = t.text === 'for';
    } else if (t.text === 'do') {
      if (loopDo) loopDo = false;
      else stack.push('b');
      inFor = false;
    } else if (t.text === 'end' || t.text === 'until') {
      stack.pop();
    } else if (t.text === 'local') {
      inLocal = true;
    } else if (KEYWORDS.has(t.text)) {
      if (t.text !== 'in') inLocal = false;
    } else if ((inLocal || inParams || inFor) && !GLOBALS.has(t.text)) {
      declared.add(t.text);
    }
  }
  return { declared, member };
}

function* shortNames(): Generator<string> {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
  const rest = first + '0123456789';
  for (const a of first) yield a;
  for (const a of first) for (const b of rest) yield a + b;
  for (const a of first) for (const b of rest) for (const c of rest) yield a + b + c;
}

function needsSpace(a: Token, b: Token): boolean {
  const word = /[A-Za-z0-9_]$/;
  if (word.test(a.text) && /^[A-Za-z0-9_]/.test(b.text)) return true;
  if (a.kind === 'number' && (b.text[0] === '.' || /^[A-Za-z0-9_]/.test(b.text))) return true;
  if (a.kind === 'op' && b.kind === 'op') {
    const pair = a.text[a.text.length - 1] + b.text[0];
    return ['--', '..', '==', '~=', '<=', '>=', '[[', '[=', '<<', '>>', '//', '::', '.='].includes(pair);
  }
  if (a.text === '.' && b.kind === 'number') return true;
  if (a.text === '-' && b.text[0] === '-') return true;
  return false;
}

/** Bundle module names ("firmware.core.model") become short strings, in keys and requires alike. */
function renameModules(tokens: Token[]): void {
  const map = new Map<string, string>();
  for (let k = 0; k + 4 < tokens.length; k++) {
    const [a, b, c, d, e] = tokens.slice(k, k + 5);
    if (a.text === '[' && b.kind === 'string' && c.text === ']' && d.text === '=' && e.text === 'function' && !map.has(b.text)) {
      map.set(b.text, '"' + map.size.toString(36) + '"');
    }
  }
  for (const t of tokens) if (t.kind === 'string' && map.has(t.text)) t.text = map.get(t.text)!;
}

const CONTINUES = new Set(['+', '-', '*', '/', '%', '^', '..', '==', '~=', '<', '>', '<=', '>=', 'and', 'or', '//', '&', '|', '~', '<<', '>>']);

/**
 * Drops `t.F=<number>` statements whose field F nothing else in the bundle names: the exported
 * constants (LANE, RED, ...) whose every use the source rewrite (espruino/inline.ts) turned into
 * the literal. Fields also used as a string, or kept, stay.
 */
function dropDeadConstants(tokens: Token[], keep: Set<string>): void {
  const uses = new Map<string, number>();
  const strings = new Set<string>();
  for (const t of tokens) {
    if (t.kind === 'name') uses.set(t.text, (uses.get(t.text) ?? 0) + 1);
    else if (t.kind === 'string') strings.add(t.text.slice(1, -1));
  }
  for (let k = 0; k + 4 < tokens.length; k++) {
    const [a, dot, f, eq] = tokens.slice(k, k + 4);
    if (a.kind !== 'name' || dot.text !== '.' || f.kind !== 'name' || eq.text !== '=' || (k > 0 && tokens[k - 1].text === '.')) continue;
    const sign = tokens[k + 4].text === '-' ? 1 : 0;
    const num = tokens[k + 4 + sign];
    const after = tokens[k + 5 + sign];
    if (num === undefined || num.kind !== 'number' || uses.get(f.text) !== 1 || strings.has(f.text) || keep.has(f.text)) continue;
    if (after !== undefined && CONTINUES.has(after.text)) continue;
    for (let j = k; j <= k + 4 + sign; j++) {
      tokens[j].text = '';
      tokens[j].kind = 'op';
    }
  }
}

/** Standard library functions worth a bundle-wide local (math.floor appears dozens of times). */
const HOIST = ['math.floor', 'string.char', 'string.byte', 'string.sub', 'table.remove', 'tostring', 'setmetatable'];

/**
 * Reads each often-used library function once, into a local at the top of the bundle: every
 * module is a closure in the same chunk, so they all see it as an upvalue (shorter and faster).
 */
function hoistLibrary(tokens: Token[]): void {
  const taken = new Set(tokens.filter((t) => t.kind === 'name').map((t) => t.text));
  let n = 0;
  const fresh = (): string => {
    let name = '';
    do name = 'L' + (n++).toString(36);
    while (taken.has(name));
    return name;
  };
  const header: string[] = [];
  for (const path of HOIST) {
    const parts = path.split('.');
    const at: number[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const prev = tokens[k - 1];
      if (prev && (prev.text === '.' || prev.text === ':')) continue;
      if (tokens[k].text !== parts[0]) continue;
      if (parts.length === 2 && !(tokens[k + 1]?.text === '.' && tokens[k + 2]?.text === parts[1])) continue;
      // A local declared with that name would shadow the library: leave the file alone then.
      if (prev && prev.text === 'local') return;
      at.push(k);
    }
    if (at.length < 3) continue;
    const name = fresh();
    header.push(`local ${name}=${path}`);
    for (const k of at) {
      tokens[k].text = name;
      if (parts.length === 2) {
        tokens[k + 1].text = '';
        tokens[k + 2].text = '';
        tokens[k + 1].kind = 'op';
        tokens[k + 2].kind = 'op';
      }
    }
  }
  if (header.length > 0 && tokens.length > 0) tokens[0].text = header.join(' ') + '\n' + tokens[0].text;
}

export interface MinifyOptions {
  /** Rename local identifiers to short names (default true). */
  rename?: boolean;
  /**
   * Property names that may be shortened everywhere (as fields, keys and locals alike): names
   * only this bundle uses (see names.ts). Names also used as a string literal, globals and
   * `keep` are left alone.
   */
  fields?: Set<string>;
  /** Names the outside world reads from the bundle (its exports). */
  keep?: Set<string>;
}

export function minifyLua(src: string, options: MinifyOptions = {}): string {
  let tokens = tokenize(src);
  if (options.rename !== false) {
    const { declared, member } = scanNames(tokens);
    const keep = new Set(options.keep ?? []);
    // `self` is a parameter like any other in typescript-to-lua's output (`function C.prototype.m(self, ...)`),
    // renamed with the other locals (482 uses in a firmware bundle); only a method defined with
    // `:` has it implicitly, and then it stays.
    if (/function\s+[\w.]+:/.test(src)) keep.add('self');
    const strings = new Set<string>();
    for (const t of tokens) if (t.kind === 'string') strings.add(t.text.slice(1, -1));
    // Renamed in every position: typescript-to-lua's own names (bundle plumbing, lualib,
    // constructors) and the property names only this bundle uses.
    const everywhere = new Set<string>();
    for (const t of tokens) if (t.kind === 'name' && INTERNAL.test(t.text)) everywhere.add(t.text);
    for (const name of options.fields ?? []) {
      if (!strings.has(name) && !GLOBALS.has(name) && !keep.has(name) && !KEYWORDS.has(name) && !LIBRARY_FIELDS.has(name)) everywhere.add(name);
    }
    // Renamed only where they are variables (a local `now` beside the field `tmr.now`).
    const local = (name: string): boolean => declared.has(name) && !keep.has(name);
    const counts = new Map<string, number>();
    tokens.forEach((t, k) => {
      if (t.kind === 'name' && (everywhere.has(t.text) || (!member[k] && local(t.text)))) {
        counts.set(t.text, (counts.get(t.text) ?? 0) + 1);
      }
    });
    const taken = new Set<string>();
    for (const t of tokens) if (t.kind === 'name') taken.add(t.text);
    const gen = shortNames();
    const map = new Map<string, string>();
    // Each renamed name gets a fresh one (the most used get the shortest) that nothing in the
    // file uses, so the renaming is a bijection and scoping is unchanged.
    for (const [name] of [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))) {
      let short = gen.next().value as string;
      while (taken.has(short) || KEYWORDS.has(short) || GLOBALS.has(short)) short = gen.next().value as string;
      map.set(name, short);
    }
    tokens.forEach((t, k) => {
      if (t.kind === 'name' && map.has(t.text) && (everywhere.has(t.text) || !member[k])) t.text = map.get(t.text)!;
    });
    renameModules(tokens);
    dropDeadConstants(tokens, keep);
  }
  hoistLibrary(tokens);
  // Tokens emptied by hoistLibrary go; spacing is decided between the tokens that remain.
  tokens = tokens.filter((t) => t.text !== '');
  let out = '';
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (k > 0) {
      // Lua is free-form except that a line starting with `(` is never the call of the line
      // before: keep those breaks, join everything else.
      if (t.nl && t.text === '(') out += '\n';
      else if (needsSpace(tokens[k - 1], t)) out += t.nl ? '\n' : ' ';
    }
    out += t.text;
  }
  return out + '\n';
}
