// Terminal renderings of a strip (RGB bytes, 3 per LED): plain ASCII for golden files and logs,
// ANSI truecolor for a live terminal.
//
// ASCII: one character per LED. '.' is off; otherwise the nearest hue as a letter (r red, o orange,
// y yellow, g green, c cyan, b blue, m magenta, w white/grey), upper case when the LED is bright
// (brightest channel >= 96), lower case when dim.

function letter(r: number, g: number, b: number): string {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === 0) return '.';
  let c: string;
  if (max - min <= max / 4) c = 'w';
  else if (r === max && g >= max / 4 && g > b) c = g >= (max * 3) / 4 ? 'y' : 'o';
  else if (r === max) c = b >= max / 2 ? 'm' : 'r';
  else if (g === max) c = b >= max / 2 ? 'c' : r >= max / 2 ? 'y' : 'g';
  else c = r >= max / 2 ? 'm' : g >= max / 2 ? 'c' : 'b';
  return max >= 96 ? c.toUpperCase() : c;
}

export function asciiStrip(pixels: Uint8Array | number[]): string {
  let out = '';
  for (let i = 0; i + 2 < pixels.length; i += 3) out += letter(pixels[i], pixels[i + 1], pixels[i + 2]);
  return out;
}

/** Each LED as a coloured block (24-bit ANSI), e.g. for `podlights` demo output in a terminal. */
export function ansiStrip(pixels: Uint8Array | number[]): string {
  let out = '';
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    // Lift dim LEDs a little so they are visible on a dark terminal; off stays a dim dot.
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    if (r + g + b === 0) out += '\x1b[38;2;60;60;60m·';
    else out += `\x1b[38;2;${Math.min(255, r * 2)};${Math.min(255, g * 2)};${Math.min(255, b * 2)}m●`;
  }
  return out + '\x1b[0m';
}
