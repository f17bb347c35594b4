// One virtual board of the demo: the real firmware (VirtualBoard) connected to the broker the
// way a real board is (MqttBoardClient, board password, HELLO on connect), plus what the page
// needs to label it. Lane labels travel in the LANE messages the board receives; the firmware
// keeps no labels (it has no use for them), so this wrapper reads them off the same frames.
import { MqttBoardClient } from '../transports/mqtt/board-client.ts';
import { VirtualBoard } from '../../firmware/targets/virtual/board.ts';
import { L_COUNT, L_FIRST, L_HEALTH, LANE } from '../../firmware/core/model.ts';
import { MSG, decode } from '../../protocol/index.ts';
import type { LaneInfo } from '../web/messages.ts';

export interface StripOptions {
  boardId: string;
  ledCount: number;
  brokerUrl: string;
  password: string;
  baseTopic?: string;
}

export class VirtualStrip {
  readonly board: VirtualBoard;
  private readonly client: MqttBoardClient;
  private readonly labels = new Map<number, string>();

  constructor(readonly options: StripOptions) {
    let client: MqttBoardClient | undefined;
    this.board = new VirtualBoard({
      boardId: options.boardId,
      profile: `virtual-${options.ledCount}`,
      ledCount: options.ledCount,
      onSend: (frame) => client?.sendUpstream(frame, frame[6] === MSG.RESYNC ? 'resync' : 'hello'),
    });
    client = new MqttBoardClient({
      url: options.brokerUrl,
      boardId: options.boardId,
      password: options.password,
      baseTopic: options.baseTopic,
      statusWill: true,
      onFrame: (frame, source) => this.receive(frame, source === 'snapshot'),
      onConnect: () => this.board.hello(),
      onBridgeOnline: () => this.board.hello(),
    });
    this.client = client;
  }

  get id(): string {
    return this.options.boardId;
  }

  get pixels(): Uint8Array {
    return this.board.pixels;
  }

  get online(): boolean {
    return this.client.connected && this.board.core.synced;
  }

  /** Brightness the bridge configured (CONFIG), 0-255. */
  get brightness(): number {
    return this.board.core.model.level;
  }

  async start(): Promise<void> {
    this.board.start();
    await this.client.start();
  }

  async stop(): Promise<void> {
    this.board.stop();
    await this.client.stop();
  }

  /** Lanes as the firmware holds them, with the labels the bridge sent. */
  lanes(): LaneInfo[] {
    const a = this.board.core.model.lanes;
    const out: LaneInfo[] = [];
    for (let i = 0; i < a.length; i += LANE) {
      out.push({ id: a[i], first: a[i + L_FIRST], count: a[i + L_COUNT], health: a[i + L_HEALTH], label: this.labels.get(a[i]) ?? '' });
    }
    return out.filter((l) => l.count > 0).sort((x, y) => x.first - y.first);
  }

  private receive(frame: Uint8Array, retained: boolean): void {
    // A synced board ignores the retained snapshot (SPEC.md section 6); so do its lane labels.
    if (retained && this.board.core.synced) return;
    this.board.receive(frame);
    const decoded = decode(frame);
    if (!decoded.ok) return;
    for (const m of decoded.messages) {
      if (m.type === MSG.SNAPSHOT_BEGIN) this.labels.clear();
      else if (m.type === MSG.LANE) this.labels.set(m.lane, m.label);
    }
  }
}
