// `podlights demo --no-web`: the strips in the terminal, in 24-bit color, redrawn in place, with
// the live log under them and number keys to play the stories. Without a terminal (a pipe, a
// log file) it prints the log lines only.
import { ansiStrip } from '../../firmware/targets/virtual/ascii.ts';
import type { LogLine, ScenarioState } from '../web/messages.ts';
import type { Demo } from './demo.ts';
import { laneLabelRows, layoutScreen } from './terminal-layout.ts';

const ESC = '\x1b[';
const FRAME_MS = 100;
const LOG_LINES = 30;
const TONE = { add: '38;2;150;240;190', del: '38;2;255;170;170', warn: '38;2;255;176;32', info: '38;2;200;205;215', scenario: '1;38;2;255;255;255' };

export interface TerminalViewOptions {
  demo: Demo;
  out: NodeJS.WriteStream;
  input?: NodeJS.ReadStream;
  /** Lines printed above the strips (where things are, how to connect). */
  header: string[];
  /** Lines that must not be missed (a busy port, another demo's kubeconfig): always on screen. */
  warnings?: string[];
  onQuit: () => void;
}

function clock(t: number): string {
  return new Date(t).toTimeString().slice(0, 8);
}

export class TerminalView {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly log: LogLine[] = [];
  private state: ScenarioState = { running: null, last: null };
  /** Drawing in place (a terminal), or printing log lines (a pipe). */
  readonly tty: boolean;
  private readonly onKey = (data: Buffer) => this.key(data.toString('utf8'));

  constructor(private readonly options: TerminalViewOptions) {
    this.tty = Boolean(options.out.isTTY);
  }

  start(): void {
    const { demo, out, input } = this.options;
    this.state = demo.scenarios.state;
    this.unsubscribe = demo.on((e) => {
      if (e.type === 'log') this.addLog(e.data);
      if (e.type === 'scenario') this.state = e.data;
    });
    if (!this.tty) {
      out.write([...this.options.header, ...(this.options.warnings ?? [])].join('\n') + '\n');
      return;
    }
    out.write(`${ESC}?1049h${ESC}?25l${ESC}2J`);
    if (input?.isTTY) {
      input.setRawMode(true);
      input.on('data', this.onKey);
      input.resume();
    }
    this.timer = setInterval(() => this.draw(), FRAME_MS);
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
    const { out, input } = this.options;
    if (!this.tty) return;
    if (input?.isTTY) {
      input.off('data', this.onKey);
      input.setRawMode(false);
      input.pause();
    }
    out.write(`${ESC}?25h${ESC}?1049l`);
  }

  private addLog(line: LogLine): void {
    if (!this.tty) {
      this.options.out.write(`${clock(line.t)} ${line.cluster.padEnd(5)} ${line.text}\n`);
      return;
    }
    this.log.push(line);
    if (this.log.length > LOG_LINES) this.log.shift();
  }

  private key(k: string): void {
    const scenarios = this.options.demo.init().scenarios;
    if (k === '\u0003' || k === 'q') return this.options.onQuit();
    if (k === 's' || k === '\u001b') return void this.options.demo.scenarios.cancel();
    const n = '1234567890'.indexOf(k);
    if (n >= 0 && scenarios[n]) this.options.demo.scenarios.play(scenarios[n].name).catch(() => {});
  }

  /** Dead air in the story, counted down: " · DNS TTL: clients move to us in 23 s". */
  private countdownText(): string {
    const c = this.state.countdown;
    return c ? ` · ${c.label} ${Math.max(0, Math.ceil((c.endsAt - Date.now()) / 1000))} s` : '';
  }

  private draw(): void {
    const { demo, out } = this.options;
    const strips: string[] = [];
    const infos = demo.boardsInfo();
    const pad = 24;
    let cluster = '';
    for (const [i, strip] of demo.strips.entries()) {
      const b = infos[i];
      if (b.kind !== 'failover' && b.clusters[0] !== cluster) {
        cluster = b.clusters[0];
        strips.push(`${ESC}1m${cluster}${ESC}0m`);
      }
      const name = b.kind === 'node' ? `  ${b.title} ${b.arch ?? ''}` : b.kind === 'cluster' ? '  overview' : b.title;
      strips.push(`${name.slice(0, pad - 1).padEnd(pad)}${ansiStrip(strip.pixels)}`);
      if (b.kind !== 'node') for (const row of laneLabelRows(b.lanes, b.ledCount)) strips.push(`${' '.repeat(pad)}${ESC}2m${row}${ESC}0m`);
    }
    for (const b of infos.filter((x) => x.kind === 'external')) strips.push(`real board ${b.id}: ${b.caption}${b.online ? '' : ' (offline)'}`);
    const scenarios = demo.init().scenarios;
    const playing = scenarios.find((s) => s.name === this.state.running);
    const lines = layoutScreen(
      {
        header: this.options.header,
        warnings: this.options.warnings ?? [],
        strips,
        story: playing ? { text: `▶ ${playing.title}: ${playing.description}${this.countdownText()}`, style: '1;33' } : { text: 'no story playing', style: '2' },
        keys: ['keys:', ...scenarios.map((s, i) => `${(i + 1) % 10} ${s.name}`)],
        footer: '      s stop the story  ·  q quit',
        log: this.log.map((l) => ({ text: `${clock(l.t)} ${l.cluster.padEnd(5)} ${l.text}`, style: TONE[l.tone] })),
      },
      out.columns || 100,
      out.rows || 40,
    );
    // No newline after the last line: on the bottom row it would scroll the header away.
    out.write(`${ESC}H${lines.map((l) => `${l}${ESC}K`).join('\n')}${ESC}J`);
  }
}
