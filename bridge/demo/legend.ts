// The legend's colors, taken from where the strips get them (the firmware's state colors, the
// stories' labels, the view's new-revision tint), so a swatch is exactly what an LED shows.
import { COLORS } from '../sim/scenarios/helpers.ts';
import { STATE_COLORS, hexColor, newRevisionTint, parseColor } from '../view/colors.ts';
import type { InitMessage } from '../web/messages.ts';

export function legendColors(): InitMessage['legend'] {
  const state = (name: string) => hexColor(STATE_COLORS.find((s) => s.name === name)!.color);
  return {
    v1: COLORS.v1,
    v2: COLORS.v2,
    v2tint: hexColor(newRevisionTint(parseColor(COLORS.v2)!)),
    red: state('red'),
    darkred: state('dark red'),
    magenta: state('magenta'),
    amber: state('amber'),
    blue: state('blue'),
    white: state('white'),
  };
}
