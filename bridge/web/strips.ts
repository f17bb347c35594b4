/// <reference lib="dom" />
// The boards, drawn as the strips they are: one glowing dot per LED straight from the board's
// pixels, lanes marked and labelled under the LEDs, grouped by cluster and node (with the node's
// architecture), the failover strip on top.
import type { BoardInfo, InitMessage, LaneInfo } from './messages.ts';
import { cssColor, decodePixels } from './color.ts';
import { fill, h } from './dom.ts';

const HEALTH = ['healthy', 'degraded', 'unreachable'];

/** "Deployment/shop/web" (or "shop/web" when shortened) -> name "web", detail "shop"; cluster and node lanes stay as they are. */
function laneName(board: BoardInfo, lane: LaneInfo): { name: string; detail: string } {
  const parts = lane.label.split('/');
  if (parts.length >= 2) return { name: parts[parts.length - 1], detail: parts[parts.length - 2] };
  if (board.kind === 'node') return { name: '', detail: '' };
  return { name: lane.label, detail: '' };
}

interface DrawnBoard {
  info: BoardInfo;
  el: HTMLElement;
  leds: HTMLElement[];
  pixels: Uint8Array;
  lanesKey: string;
  lanesEl: HTMLElement;
}

export class Strips {
  private readonly drawn = new Map<string, DrawnBoard>();
  private init: InitMessage | undefined;
  private layoutKey = '';

  constructor(private readonly root: HTMLElement) {}

  setInit(init: InitMessage): void {
    this.init = init;
    this.layoutKey = '';
  }

  /** Board metadata: builds the layout when the set of boards changes, else updates in place. */
  setBoards(boards: BoardInfo[]): void {
    const key = boards.map((b) => `${b.id}:${b.ledCount}:${b.kind}`).join(',');
    if (key !== this.layoutKey) {
      this.layoutKey = key;
      this.build(boards);
    }
    for (const b of boards) this.update(b);
  }

  setPixels(id: string, b64: string): void {
    const d = this.drawn.get(id);
    if (!d) return;
    const px = decodePixels(b64);
    for (let i = 0; i < d.leds.length; i++) {
      const [r, g, b] = [px[i * 3] ?? 0, px[i * 3 + 1] ?? 0, px[i * 3 + 2] ?? 0];
      if (d.pixels[i * 3] === r && d.pixels[i * 3 + 1] === g && d.pixels[i * 3 + 2] === b) continue;
      const led = d.leds[i];
      led.dataset.rgb = `${r},${g},${b}`;
      if (r + g + b === 0) {
        led.classList.remove('on');
        led.style.removeProperty('--c');
      } else {
        led.classList.add('on');
        led.style.setProperty('--c', cssColor(r, g, b));
      }
    }
    d.pixels = px;
  }

  private build(boards: BoardInfo[]): void {
    this.drawn.clear();
    const clusters = this.init?.clusters ?? [];
    const sections: HTMLElement[] = [];
    const failover = boards.filter((b) => b.kind === 'failover');
    if (failover.length) {
      sections.push(h('section', { class: 'group failover', 'data-group': 'failover' }, h('h2', {}, 'GSLB failover', this.clusterChips(failover[0].clusters), h('span', { class: 'sub' }, 'one lane per cluster: traffic follows DNS')), ...failover.map((b) => this.board(b))));
    }
    const grid = h('div', { class: 'cluster-grid' });
    for (const c of clusters) {
      const archs = new Map<string, number>();
      for (const n of c.nodes) archs.set(n.arch, (archs.get(n.arch) ?? 0) + 1);
      const hybrid = archs.size > 1;
      const summary = [...archs].map(([a, n]) => `${n}× ${a}`).join(' + ');
      const mine = boards.filter((b) => b.kind !== 'failover' && b.kind !== 'external' && b.clusters[0] === c.name);
      grid.append(
        h(
          'section',
          { class: 'group cluster', 'data-cluster': c.name },
          h('h2', {}, h('span', { class: `chip chip-${c.name}` }, c.name), h('span', { class: 'sub' }, `${c.nodes.length} nodes · ${summary}${hybrid ? ' · hybrid' : ''}`)),
          ...mine.filter((b) => b.kind === 'cluster').map((b) => this.board(b)),
          h('div', { class: 'nodes' }, ...mine.filter((b) => b.kind === 'node').map((b) => this.board(b))),
        ),
      );
    }
    sections.push(grid);
    const external = boards.filter((b) => b.kind === 'external');
    if (external.length) {
      sections.push(h('section', { class: 'group external', 'data-group': 'external' }, h('h2', {}, 'Real boards on this bridge'), ...external.map((b) => this.board(b))));
    }
    fill(this.root, ...sections);
  }

  private clusterChips(names: string[]): HTMLElement {
    const span = h('span', { class: 'chips' });
    names.forEach((n, i) => {
      if (i) span.append(h('span', { class: 'arrow' }, ' | '));
      span.append(h('span', { class: `chip chip-${n}` }, n));
    });
    return span;
  }

  private board(b: BoardInfo): HTMLElement {
    const leds: HTMLElement[] = [];
    const strip = h('div', { class: 'strip', style: `--n:${b.ledCount}` });
    for (let i = 0; i < b.ledCount; i++) {
      const led = h('span', { class: 'led', 'data-led': i, 'data-rgb': '0,0,0' });
      leds.push(led);
      strip.append(led);
    }
    const lanesEl = h('div', { class: 'lanes', style: `--n:${b.ledCount}` });
    const head = h(
      'header',
      {},
      h('span', { class: 'name' }, b.title),
      b.arch ? h('span', { class: `arch arch-${b.arch}`, 'data-arch': b.arch }, b.arch) : undefined,
      h('span', { class: 'caption' }, b.caption),
      h('span', { class: 'health-badge' }),
      h('span', { class: 'meta' }, `${b.ledCount} LEDs`),
      h('span', { class: 'online', title: 'connected to the broker and in sync' }),
    );
    const el = h(
      'article',
      { class: `board board-${b.kind}`, 'data-board': b.id, 'data-kind': b.kind, 'data-cluster': b.clusters.join(','), 'data-node': b.node, 'data-arch': b.arch, 'data-leds': b.ledCount },
      head,
      b.virtual ? h('div', { class: 'pcb', style: `--n:${b.ledCount}` }, strip, lanesEl) : h('p', { class: 'note' }, 'a physical strip: look at the board itself'),
    );
    this.drawn.set(b.id, { info: b, el, leds, pixels: new Uint8Array(b.ledCount * 3), lanesKey: '', lanesEl });
    return el;
  }

  private update(b: BoardInfo): void {
    const d = this.drawn.get(b.id);
    if (!d) return;
    d.info = b;
    d.el.dataset.online = String(b.online);
    const key = JSON.stringify(b.lanes);
    if (key === d.lanesKey) return;
    d.lanesKey = key;
    const unhealthy = b.lanes.some((l) => l.health === 2);
    d.el.dataset.health = unhealthy ? 'unreachable' : b.lanes.some((l) => l.health === 1) ? 'degraded' : 'healthy';
    const badge = d.el.querySelector('.health-badge');
    if (badge) badge.textContent = b.kind === 'node' && unhealthy ? 'NotReady' : '';
    fill(
      d.lanesEl,
      ...b.lanes.map((l) => {
        const { name, detail } = laneName(b, l);
        return h(
          'div',
          {
            class: `lane health-${HEALTH[l.health] ?? 'healthy'}${l.traffic ? ' traffic' : ''}`,
            'data-traffic': l.traffic ? 'true' : undefined,
            'data-lane': l.id,
            'data-label': l.label,
            'data-first': l.first,
            'data-count': l.count,
            'data-health': HEALTH[l.health] ?? 'healthy',
            style: `grid-column: ${l.first + 1} / span ${l.count}`,
            title: l.label,
          },
          l.traffic ? h('span', { class: 'lane-traffic', title: b.kind === 'failover' ? 'DNS sends clients here' : 'the Service sends traffic here' }, 'traffic') : undefined,
          h('span', { class: 'lane-name' }, name),
          detail ? h('span', { class: 'lane-detail' }, detail) : undefined,
          l.health === 2 ? h('span', { class: 'lane-health' }, 'unreachable') : undefined,
        );
      }),
    );
  }
}
