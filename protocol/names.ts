// The named object form of messages: enum values as words ("running", "POD_ADD") instead of
// numbers. Used by the golden vectors, `podlights decode`, and logs; the wire and the firmware
// only ever see numbers.

import {
  HEALTH,
  LANE_KIND,
  LAYOUT,
  MSG,
  POD_STATE,
  RESYNC_REASON,
} from './codec/types.ts';
import type { Message } from './codec/types.ts';

type Table = Record<string, number>;

/** Fields whose numbers are enum values, with their tables; names are lower-case-hyphenated. */
const ENUM_FIELDS: Record<string, Table> = {
  state: POD_STATE,
  kind: LANE_KIND,
  health: HEALTH,
  layout: LAYOUT,
  reason: RESYNC_REASON,
};

function wordOf(key: string): string {
  return key.toLowerCase().replace(/_/g, '-');
}

function nameOf(table: Table, value: number): string | number {
  for (const [key, v] of Object.entries(table)) if (v === value) return wordOf(key);
  // Values from a newer bridge stay numbers rather than being guessed at.
  return value;
}

function valueOf(table: Table, field: string, name: unknown): number {
  if (typeof name === 'number') return name;
  for (const [key, v] of Object.entries(table)) if (wordOf(key) === name) return v;
  throw new Error(`unknown ${field} '${String(name)}' (known: ${Object.keys(table).map(wordOf).join(', ')})`);
}

export type NamedMessage = { type: string } & Record<string, string | number>;

export function messageTypeName(type: number): string {
  const entry = Object.entries(MSG).find(([, v]) => v === type);
  return entry ? entry[0] : `0x${type.toString(16).padStart(2, '0')}`;
}

export function toNamed(m: Message): NamedMessage {
  const out: NamedMessage = { type: messageTypeName(m.type) };
  for (const [field, value] of Object.entries(m)) {
    if (field === 'type') continue;
    const table = ENUM_FIELDS[field];
    out[field] = table && typeof value === 'number' ? nameOf(table, value) : (value as string | number);
  }
  return out;
}

export function fromNamed(named: NamedMessage): Message {
  const type = (MSG as Record<string, number>)[named.type];
  if (type === undefined) throw new Error(`unknown message type '${named.type}'`);
  const out: Record<string, string | number> = { type };
  for (const [field, value] of Object.entries(named)) {
    if (field === 'type') continue;
    const table = ENUM_FIELDS[field];
    out[field] = table ? valueOf(table, field, value) : value;
  }
  return out as unknown as Message;
}
