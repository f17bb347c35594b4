/// <reference lib="dom" />
// The controls: one button per seed story (with what to watch for and the kubectl that tells
// the same story on a real cluster), the story playing now with a Stop button, and "scale to N"
// buttons for every labelled workload.
import type { ScenarioInfo, ScenarioState, WorkloadInfo } from './messages.ts';
import { fill, h } from './dom.ts';

export const SCALE_CHOICES = [0, 1, 2, 3, 4, 5, 6, 7, 8];

async function post(path: string, body: unknown): Promise<void> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
}

export class Controls {
  private scenarios: ScenarioInfo[] = [];
  private state: ScenarioState = { running: null, last: null };
  private countdownTimer: number | undefined;

  constructor(
    private readonly els: { list: HTMLElement; playing: HTMLElement; workloads: HTMLElement; keybar: HTMLElement },
    private readonly onError: (message: string) => void,
  ) {}

  setScenarios(list: ScenarioInfo[]): void {
    this.scenarios = list;
    fill(
      this.els.list,
      ...list.map((s, i) =>
        h(
          'li',
          { class: 'scenario', 'data-scenario': s.name },
          h(
            'button',
            { type: 'button', class: 'play', 'data-play': s.name, title: s.description, onclick: () => this.play(s.name) },
            h('span', { class: 'key' }, String((i + 1) % 10)),
            h('span', { class: 'title' }, s.title),
            h('span', { class: 'clusters' }, s.clusters.join(' + ')),
          ),
          h('p', { class: 'desc' }, s.description),
          h('details', { class: 'kubectl' }, h('summary', {}, 'kubectl'), h('pre', {}, s.kubectl.join('\n'))),
        ),
      ),
    );
    this.renderPlaying();
  }

  /** The stories as a row of number buttons: always on screen on a phone and in presenter mode. */
  private renderKeybar(): void {
    const s = this.scenarios.find((x) => x.name === this.state.running);
    fill(
      this.els.keybar,
      h('span', { class: 'kb-now', 'data-kb-now': s?.name ?? '' }, s ? h('b', {}, s.title) : 'Play a story:', s ? this.countdown() : undefined),
      h(
        'span',
        { class: 'kb-keys' },
        ...this.scenarios.map((x, i) =>
          h('button', { type: 'button', class: `kb${x.name === s?.name ? ' on' : ''}`, 'data-key-play': x.name, title: `${x.title}: ${x.description}`, 'aria-label': x.title, onclick: () => this.play(x.name) }, String((i + 1) % 10)),
        ),
        s ? h('button', { type: 'button', class: 'kb kb-stop', 'data-key-cancel': '', onclick: () => this.cancel() }, 'Stop') : undefined,
      ),
    );
  }

  setState(state: ScenarioState): void {
    this.state = state;
    for (const li of this.els.list.querySelectorAll<HTMLElement>('[data-scenario]')) {
      li.classList.toggle('running', li.dataset.scenario === state.running);
    }
    this.renderPlaying();
  }

  /** The number keys play stories (1-9, 0 for the tenth), Escape stops. */
  key(e: KeyboardEvent): void {
    if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') void this.cancel();
    // Presenter mode: the strips alone, as big as the screen allows, the story keys at the bottom.
    if (e.key === 'p' || e.key === 'P') document.body.classList.toggle('presenter');
    const n = '1234567890'.indexOf(e.key);
    if (n >= 0 && this.scenarios[n]) void this.play(this.scenarios[n].name);
  }

  async play(name: string): Promise<void> {
    try {
      await post('/api/scenario', { name });
    } catch (err) {
      this.onError((err as Error).message);
    }
  }

  async cancel(): Promise<void> {
    try {
      await post('/api/cancel', {});
    } catch (err) {
      this.onError((err as Error).message);
    }
  }

  setWorkloads(list: WorkloadInfo[]): void {
    if (list.length === 0) {
      fill(this.els.workloads, h('p', { class: 'muted' }, 'No labelled workloads yet: play a story.'));
      return;
    }
    fill(
      this.els.workloads,
      ...list.map((w) => {
        const id = `${w.cluster}/${w.namespace}/${w.name}`;
        return h(
          'div',
          { class: 'workload', 'data-workload': id, 'data-color': w.color, 'data-replicas': w.replicas },
          h('span', { class: 'swatch', style: `--c:#${w.color || '888'}` }),
          h(
            'span',
            { class: 'wl-name' },
            h('span', { class: `chip chip-${w.cluster}` }, w.cluster),
            h('b', {}, w.name),
            h('span', { class: 'muted' }, ` ${w.namespace}${w.version ? ` · ${w.version}` : ''}`),
          ),
          h('span', { class: 'count', title: 'ready / desired' }, `${w.ready}/${w.replicas}`),
          h(
            'span',
            { class: 'scale', role: 'group', 'aria-label': `scale ${w.name} in ${w.cluster}` },
            ...SCALE_CHOICES.map((n) =>
              h(
                'button',
                {
                  type: 'button',
                  'data-scale': n,
                  'aria-label': `scale ${w.name} to ${n}`,
                  title: `kubectl --context ${w.cluster} -n ${w.namespace} scale deployment/${w.name} --replicas=${n}`,
                  'aria-pressed': String(n === w.replicas),
                  onclick: () => this.scale(w, n),
                },
                String(n),
              ),
            ),
          ),
        );
      }),
    );
  }

  private async scale(w: WorkloadInfo, replicas: number): Promise<void> {
    try {
      await post('/api/scale', { cluster: w.cluster, namespace: w.namespace, name: w.name, replicas });
    } catch (err) {
      this.onError((err as Error).message);
    }
  }

  private renderPlaying(): void {
    window.clearInterval(this.countdownTimer);
    this.renderKeybar();
    const s = this.scenarios.find((x) => x.name === this.state.running);
    const last = this.state.last;
    if (!s) {
      const ended = last ? this.scenarios.find((x) => x.name === last.name) : undefined;
      fill(
        this.els.playing,
        h('p', { class: 'idle', 'data-state': 'idle' }, ended ? `${ended.title}: ${last!.outcome}${last!.error ? ` (${last!.error})` : ''}. ` : '', 'Pick a story below, or press its number key.'),
      );
      return;
    }
    fill(
      this.els.playing,
      h(
        'div',
        { class: 'playing', 'data-state': 'running', 'data-running': s.name },
        h('div', { class: 'row' }, h('span', { class: 'pulse' }), h('b', {}, s.title), h('button', { type: 'button', class: 'stop', 'data-cancel': '', onclick: () => this.cancel() }, 'Stop')),
        h('p', { class: 'watch' }, h('span', { class: 'muted' }, 'Watch: '), s.description),
        this.countdown(),
        h('pre', { class: 'cmd' }, s.kubectl.map((c) => `$ ${c}`).join('\n')),
      ),
    );
  }

  /** Dead air in a story (a DNS TTL) counts down where everyone looks, so the room knows to wait. */
  private countdown(): HTMLElement | undefined {
    const c = this.state.countdown;
    if (!c) return undefined;
    const secs = h('b', { class: 'secs' });
    const el = h('span', { class: 'countdown', 'data-countdown': c.label }, `${c.label} `, secs);
    const tick = () => {
      secs.textContent = `${Math.max(0, Math.ceil((c.endsAt - Date.now()) / 1000))} s`;
    };
    tick();
    const timer = window.setInterval(() => (secs.isConnected ? tick() : window.clearInterval(timer)), 250);
    this.countdownTimer = timer;
    return el;
  }
}
