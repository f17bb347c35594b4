/// <reference lib="dom" />
// The demo page: subscribes to the demo's event stream and hands each event to the part of the
// page that shows it. Everything on the strips comes from the boards' own pixels.
import type { BoardInfo, InitMessage, LogLine, PixelsMessage, ScenarioState, WorkloadInfo } from './messages.ts';
import { Controls } from './controls.ts';
import { byId, fill, h } from './dom.ts';
import { LiveLog } from './log.ts';
import { Strips } from './strips.ts';

const status = byId('status');
const strips = new Strips(byId('stage'));
const logList = byId('log');
const log = new LiveLog(logList);
const toast = byId('toast');
let toastTimer: number | undefined;

function showError(message: string): void {
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (toast.hidden = true), 5000);
}

const controls = new Controls({ list: byId('scenarios'), playing: byId('now-playing'), workloads: byId('workloads'), keybar: byId('keybar') }, showError);
document.addEventListener('keydown', (e) => controls.key(e));

function setStatus(state: 'live' | 'connecting' | 'offline', text: string): void {
  status.dataset.status = state;
  status.textContent = text;
}

function onInit(init: InitMessage): void {
  strips.setInit(init);
  controls.setScenarios(init.scenarios);
  logList.replaceChildren();
  const ctx = init.clusters.map((c) => c.name);
  fill(
    byId('connect'),
    h('span', {}, 'Drive it with kubectl: '),
    h('code', {}, `kubectl --kubeconfig ${init.kubeconfig} --context ${ctx[0] ?? 'eu'} get pods -A -w`),
    h('span', {}, ' · Real boards: broker '),
    h('code', {}, init.brokerUrl),
    h('span', {}, ' (board password in the terminal)'),
  );
  // The legend's swatches in the exact colors the strips use.
  const legend = byId('legend');
  for (const [k, hex] of Object.entries(init.legend)) legend.style.setProperty(`--${k}`, `#${hex}`);
  byId('speed').textContent = init.speed === 1 ? '' : `simulated time ×${init.speed}`;
  document.body.dataset.ready = 'true';
}

const on = <T>(source: EventSource, type: string, fn: (data: T) => void) =>
  source.addEventListener(type, (e) => fn(JSON.parse((e as MessageEvent<string>).data) as T));

function connect(): void {
  setStatus('connecting', 'connecting…');
  const source = new EventSource('/events');
  source.onopen = () => setStatus('live', 'live');
  source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting', 'reconnecting…');
  on<InitMessage>(source, 'init', onInit);
  on<BoardInfo[]>(source, 'boards', (boards) => strips.setBoards(boards));
  on<PixelsMessage>(source, 'pixels', (px) => {
    for (const [id, b64] of Object.entries(px)) strips.setPixels(id, b64);
  });
  on<WorkloadInfo[]>(source, 'workloads', (list) => controls.setWorkloads(list));
  on<ScenarioState>(source, 'scenario', (state) => controls.setState(state));
  on<LogLine>(source, 'log', (line) => log.add(line));
}

connect();
