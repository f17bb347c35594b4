// The terminal view's screen, laid out to the terminal's size: text is wrapped or cut with an
// ellipsis (never silently cut, so key 0 is not lost at 120 columns), and the whole screen fits
// in the rows there are, so the header stays on top instead of scrolling away. What gives way
// when rows are short, in order: the live log, blank separators, the header's last lines.
// Warnings, the strips, the story and the keys always stay.

const ESC = '\x1b[';

export interface StyledLine {
  text: string;
  /** SGR parameters, e.g. '1;33'; none: plain. */
  style?: string;
}

export interface ScreenParts {
  header: string[];
  warnings: string[];
  /** Strip lines, already colored, each narrower than the screen. */
  strips: string[];
  story: StyledLine;
  keys: string[];
  footer: string;
  log: StyledLine[];
}

/** `text` in lines of at most `width` characters, broken at spaces where there are some. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(8, width);
  const out: string[] = [];
  let rest = text;
  while (rest.length > w) {
    let cut = rest.lastIndexOf(' ', w);
    if (cut <= w / 3) cut = w;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}

/** `text` cut to `width` characters, with an ellipsis when cut. */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Items packed into lines of at most `width`, two spaces apart; an item never splits. */
export function pack(items: string[], width: number, indent = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}  ${item}` : item;
    if (next.length > width && line) {
      out.push(line);
      line = `${indent}${item}`;
    } else line = next;
  }
  if (line) out.push(line);
  return out;
}

function styled(l: StyledLine): string {
  return l.style ? `${ESC}${l.style}m${l.text}${ESC}0m` : l.text;
}

/** The screen's lines (with color), at most `rows` of them. */
export function layoutScreen(parts: ScreenParts, width: number, rows: number): string[] {
  const w = Math.max(20, width - 1);
  const header = parts.header.map((h) => fit(h, w));
  const warnings = parts.warnings.flatMap((x) => wrap(x, w)).map((text) => styled({ text, style: '1;38;2;255;176;32' }));
  const story = wrap(parts.story.text, w).slice(0, 3).map((text) => styled({ text, style: parts.story.style }));
  const keys = pack(parts.keys, w, '      ').map((text) => styled({ text, style: '2' }));
  const footer = styled({ text: fit(parts.footer, w), style: '2' });
  const fixed = warnings.length + parts.strips.length + story.length + keys.length + 1;
  let spare = rows - fixed;
  // Header lines first (as many as fit), then the blank separators, then the log.
  const headerShown = header.slice(0, Math.max(0, spare));
  spare -= headerShown.length;
  const blanks = Math.min(3, Math.max(0, spare));
  spare -= blanks;
  const log = parts.log.slice(Math.max(0, parts.log.length - Math.max(0, spare))).map((l) => styled({ text: fit(l.text, w), style: l.style }));
  const blank = (i: number) => (blanks > i ? [''] : []);
  return [...headerShown, ...warnings, ...blank(0), ...parts.strips, ...blank(1), ...story, ...keys, footer, ...blank(2), ...log];
}

export interface LabelledLane {
  first: number;
  count: number;
  label: string;
  /** Where the traffic goes (the Service's target, the active cluster): marked with ">", as on the page. */
  traffic?: boolean;
}

/** The part of each name that tells it from the others ("bluegreen-blue" -> "blue"), when names share a prefix up to a dash. */
function distinctive(names: string[]): string[] {
  if (names.length < 2) return names;
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf('-') + 1;
  return cut > 0 && names.every((n) => n.length > cut) ? names.map((n) => n.slice(cut)) : names;
}

/**
 * Lane labels under a strip of one character per LED. A label used to be cut to its lane's
 * width ("bluegreen-gree"); now it is whole where it fits, else shortened to what tells the lanes
 * apart, and if still too long the labels take two staggered rows (each then has room up to
 * the lane after next) and are cut with an ellipsis only as a last resort.
 */
export function laneLabelRows(lanes: LabelledLane[], ledCount: number): string[] {
  if (lanes.length === 0) return [];
  const full = lanes.map((l) => l.label.split('/').pop() ?? '');
  const fits = (names: string[]) => names.every((n, i) => n.length <= Math.max(1, lanes[i].count - 1));
  const names = (fits(full) ? full : distinctive(full)).map((n, i) => (lanes[i].traffic ? `>${n}` : n));
  const rows = fits(names) ? 1 : 2;
  const out = Array.from({ length: rows }, () => '');
  lanes.forEach((l, i) => {
    const end = lanes[i + rows]?.first ?? ledCount + 8;
    const row = i % rows;
    if (out[row].length < l.first) out[row] = out[row].padEnd(l.first);
    out[row] += `${fit(names[i], Math.max(1, end - l.first - 1))} `;
  });
  return out.map((r) => r.trimEnd());
}
