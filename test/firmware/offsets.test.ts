// The firmware reads message fields straight from the frame at layout OFFSETs (eachPayload, no
// object per message); they must be where LAYOUTS, which the encoder writes by, puts them.
import t from 'tap';
import { FIXED, KINDS, LAYOUTS, MSG, OFFSET, STR, U8 } from '../../protocol/codec/index.ts';

/** Offset of field `name` of message `type` in its payload (fields after a string have none). */
function offsetOf(type: number, name: string): number {
  let at = 0;
  for (const f of LAYOUTS[type]) {
    if (f.name === name) return at;
    if (f.kind === STR) return -1;
    at += f.kind === U8 ? 1 : 2;
  }
  throw new Error(`message ${type} has no field ${name}`);
}

const WHERE: Record<keyof typeof OFFSET, [number, string][]> = {
  SNAPSHOT: [[MSG.SNAPSHOT_BEGIN, 'snapshot'], [MSG.SNAPSHOT_END, 'snapshot']],
  END_MESSAGES: [[MSG.SNAPSHOT_END, 'messages']],
  CONFIG_BRIGHTNESS: [[MSG.CONFIG, 'brightness']],
  CONFIG_LAYOUT: [[MSG.CONFIG, 'layout']],
  CONFIG_CAP: [[MSG.CONFIG, 'currentCap']],
  CONFIG_FPS: [[MSG.CONFIG, 'fps']],
  LANE: [[MSG.LANE, 'lane'], [MSG.CLUSTER, 'lane']],
  LANE_FIRST: [[MSG.LANE, 'first']],
  LANE_COUNT: [[MSG.LANE, 'count']],
  CLUSTER_HEALTH: [[MSG.CLUSTER, 'health']],
  GROUP: [[MSG.GROUP, 'group']],
  GROUP_R: [[MSG.GROUP, 'r']],
  GROUP_G: [[MSG.GROUP, 'g']],
  GROUP_B: [[MSG.GROUP, 'b']],
  POD: [[MSG.POD_ADD, 'pod'], [MSG.POD_STATE, 'pod'], [MSG.POD_DEL, 'pod']],
  ADD_LANE: [[MSG.POD_ADD, 'lane']],
  ADD_GROUP: [[MSG.POD_ADD, 'group']],
  ADD_STATE: [[MSG.POD_ADD, 'state']],
  STATE: [[MSG.POD_STATE, 'state']],
  ROLLOUT: [[MSG.ROLLOUT, 'rollout']],
  ROLLOUT_LANE: [[MSG.ROLLOUT, 'lane']],
  ROLLOUT_DESIRED: [[MSG.ROLLOUT, 'desired']],
  ROLLOUT_UPDATED: [[MSG.ROLLOUT, 'updated']],
  ROLLOUT_READY: [[MSG.ROLLOUT, 'ready']],
  ROLLOUT_AVAILABLE: [[MSG.ROLLOUT, 'available']],
  HEARTBEAT: [[MSG.HEARTBEAT, 'timeoutMs']],
};

t.test('every OFFSET is its fields offset in LAYOUTS', async (t) => {
  for (const [key, fields] of Object.entries(WHERE)) {
    for (const [type, name] of fields) t.equal(OFFSET[key as keyof typeof OFFSET], offsetOf(type, name), `${key}: ${name} of message ${type}`);
  }
  t.same(Object.keys(OFFSET).sort(), Object.keys(WHERE).sort(), 'each offset is checked');
});

t.test('KINDS has one digit per LAYOUTS field, its kind', async (t) => {
  t.same(Object.keys(KINDS).sort(), Object.keys(LAYOUTS).sort());
  for (const [type, fields] of Object.entries(LAYOUTS)) t.equal(KINDS[Number(type)], fields.map((f) => String(f.kind)).join(''), `message ${type}`);
});

t.test('FIXED is the payload size of every message type without a string, and only of those', async (t) => {
  for (const [type, fields] of Object.entries(LAYOUTS)) {
    const size = fields.some((f) => f.kind === STR) ? undefined : fields.reduce((n, f) => n + (f.kind === U8 ? 1 : 2), 0);
    t.equal(FIXED[Number(type)], size, `message ${type}`);
  }
});
