// The progress bar of `podlights flash` / `provision`: redrawn in place on a terminal, a line
// every quarter when the output is a file or a pipe (CI logs, tests).

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private lastQuarter = -1;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly out: ProgressSink = process.stderr,
  ) {}

  update(done: number, total: number): void {
    const share = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const bar = `${this.label.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${kb(done)}/${kb(total)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${bar}`);
      return;
    }
    const quarter = Math.floor(share * 4);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      this.out.write(`${bar}\n`);
    }
  }

  /** Ends the bar with the time it took. */
  finish(note = ''): void {
    const s = ((Date.now() - this.started) / 1000).toFixed(1);
    this.out.write(`${this.out.isTTY ? '\n' : ''}${this.label}: done in ${s} s${note ? `, ${note}` : ''}\n`);
  }
}

function kb(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`;
}
