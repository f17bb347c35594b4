/// <reference lib="dom" />
// The live log: Kubernetes events from the simulated clusters and the stories' progress,
// newest on top so a room can read it without scrolling.
import type { LogLine } from './messages.ts';
import { h } from './dom.ts';

const KEEP = 120;

function clock(t: number): string {
  const d = new Date(t);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export class LiveLog {
  constructor(private readonly list: HTMLElement) {}

  add(line: LogLine): void {
    const li = h(
      'li',
      { class: `tone-${line.tone}`, 'data-tone': line.tone, 'data-cluster': line.cluster },
      h('time', {}, clock(line.t)),
      h('span', { class: `chip chip-${line.cluster.split('+')[0]}` }, line.cluster),
      h('span', { class: 'text' }, line.text),
    );
    this.list.prepend(li);
    while (this.list.children.length > KEEP) this.list.lastElementChild?.remove();
  }
}
