// A board reduced to the protocol: it applies frames by SPEC.md section 5 (snapshot, seq, gaps)
// into a DisplayState, so link tests can check that what the bridge sends converges to what it
// meant. The real firmware is tested against the same frames in test/firmware.
import { decode, encodeFrame, FLAG, MSG, RESYNC_REASON } from '../../protocol/index.ts';
import type { Message } from '../../protocol/index.ts';
import { emptyDisplayState } from '../../bridge/link/display-state.ts';
import type { DisplayState } from '../../bridge/link/display-state.ts';

export class ReferenceBoard {
  state: DisplayState | undefined;
  expected = -1;
  resyncs: number[] = [];
  duplicates = 0;
  private staging: { state: DisplayState; next: number; count: number } | undefined;

  constructor(private readonly sendUpstream: (frame: Uint8Array) => void) {}

  private resync(reason: number): void {
    this.resyncs.push(reason);
    this.sendUpstream(
      encodeFrame({ flags: FLAG.UPSTREAM, seq: 0, messages: [{ type: MSG.RESYNC, lastSeq: (this.expected - 1) & 0xffff, reason }] }),
    );
  }

  receive(bytes: Uint8Array): void {
    const f = decode(bytes);
    if (!f.ok) return this.resync(RESYNC_REASON.BAD_FRAME);
    const first = f.messages[0];
    if ((f.flags & FLAG.SNAPSHOT) !== 0 && first?.type === MSG.SNAPSHOT_BEGIN) {
      this.staging = { state: emptyDisplayState(), next: (f.seq + 1) & 0xffff, count: 0 };
      this.applySnapshotMessages(f.messages.slice(1), f.seq);
      return;
    }
    if (this.staging) {
      if ((f.flags & FLAG.SNAPSHOT) === 0 || f.seq !== this.staging.next) {
        this.staging = undefined;
        return this.resync(RESYNC_REASON.INCOMPLETE_SNAPSHOT);
      }
      this.staging.next = (f.seq + 1) & 0xffff;
      this.applySnapshotMessages(f.messages, f.seq);
      return;
    }
    if (this.state === undefined) return;
    if (f.seq === this.expected) {
      for (const m of f.messages) apply(this.state, m);
      this.expected = (this.expected + 1) & 0xffff;
    } else if (((this.expected - f.seq) & 0xffff) < 32768) this.duplicates++;
    else this.resync(RESYNC_REASON.GAP);
  }

  private applySnapshotMessages(messages: Message[], seq: number): void {
    const s = this.staging!;
    for (const m of messages) {
      if (m.type === MSG.SNAPSHOT_END) {
        if (m.messages !== s.count) {
          this.staging = undefined;
          return this.resync(RESYNC_REASON.INCOMPLETE_SNAPSHOT);
        }
        this.state = s.state;
        this.expected = (seq + 1) & 0xffff;
        this.staging = undefined;
        return;
      }
      s.count++;
      apply(s.state, m);
    }
  }
}

function apply(s: DisplayState, m: Message): void {
  switch (m.type) {
    case MSG.CONFIG:
      s.config = { brightness: m.brightness, layout: m.layout, currentCap: m.currentCap, fps: m.fps };
      break;
    case MSG.LANE:
      if (m.count === 0) delete s.lanes[m.lane];
      else s.lanes[m.lane] = { first: m.first, count: m.count, kind: m.kind, label: m.label };
      break;
    case MSG.GROUP:
      s.groups[m.group] = { r: m.r, g: m.g, b: m.b, flags: m.flags };
      break;
    case MSG.POD_ADD:
      s.pods[m.pod] = { lane: m.lane, group: m.group, state: m.state };
      break;
    case MSG.POD_STATE:
      if (s.pods[m.pod]) s.pods[m.pod].state = m.state;
      break;
    case MSG.POD_DEL:
      delete s.pods[m.pod];
      break;
    case MSG.ROLLOUT:
      if (m.desired === 0 && m.updated === 0) delete s.rollouts[m.rollout];
      else s.rollouts[m.rollout] = { lane: m.lane, group: m.group, desired: m.desired, updated: m.updated, ready: m.ready, available: m.available };
      break;
    case MSG.CLUSTER:
      s.clusters[m.lane] = m.health;
      break;
    case MSG.HEARTBEAT:
      s.heartbeatTimeoutMs = m.timeoutMs;
      break;
  }
}
