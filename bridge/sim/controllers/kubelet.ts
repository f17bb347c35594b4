// One simulated kubelet for all nodes: it moves bound pods through their stages
// (ContainerCreating, Running, Ready), crash-loops containers told to exit, terminates pods
// gracefully on deletion, and freezes while its machine is down (pods resume, with a restart,
// when the machine comes back).
import type { Timer } from '../clock.ts';
import type { StoredEvent } from '../history.ts';
import type { Machines } from '../nodes.ts';
import { clone, parseDuration, rfc3339, setCondition } from '../objects.ts';
import { R } from '../resources.ts';
import { ANNOTATIONS, type Timing } from '../timing.ts';
import type { Condition, ContainerStatus, KubeObject } from '../types.ts';
import { keyOf, splitKey, type ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';

type Stage = 'starting' | 'running' | 'backoff' | 'done' | 'terminating' | 'frozen';

interface PodRecord {
  uid: string;
  stage: Stage;
  timers: Timer[];
  backoffMs: number;
  /** The containers ran at least once on this node (a restart after a reboot counts). */
  started: boolean;
}

export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly ctx: ControllerContext;
  private readonly timing: Timing;
  private readonly machines: Machines;
  private readonly records = new Map<string, PodRecord>();
  private readonly ipCounters = new Map<string, number>();
  private readonly unwatch: () => void;

  constructor(opts: { ctx: ControllerContext; timing: Timing; machines: Machines }) {
    this.ctx = opts.ctx;
    this.timing = opts.timing;
    this.machines = opts.machines;
    this.unwatch = this.machines.onChange((node) => {
      for (const pod of this.ctx.store.list(R.pods)) {
        if (pod.spec?.nodeName === node) this.ctx.manager.enqueue(this, keyOf(pod.metadata.namespace, pod.metadata.name));
      }
    });
  }

  stop(): void {
    this.unwatch();
    for (const rec of this.records.values()) for (const t of rec.timers) t.cancel();
    this.records.clear();
  }

  initialKeys(): string[] {
    return this.ctx.store.list(R.pods).filter((p) => p.spec?.nodeName).map((p) => keyOf(p.metadata.namespace, p.metadata.name));
  }

  keysFor(ev: StoredEvent): string[] {
    if (ev.resource !== R.pods) return [];
    if (ev.type !== 'DELETED' && !ev.object.spec?.nodeName) return [];
    return [keyOf(ev.object.metadata.namespace, ev.object.metadata.name)];
  }

  sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.get(R.pods, namespace, name);
    let rec = this.records.get(key);
    if (rec && (!pod || rec.uid !== pod.metadata.uid)) {
      this.cancel(rec);
      this.records.delete(key);
      rec = undefined;
    }
    const node = pod?.spec?.nodeName;
    if (!pod || !node) return;
    if (!rec) this.records.set(key, (rec = { uid: String(pod.metadata.uid), stage: 'frozen', timers: [], backoffMs: this.timing.backoffBaseMs, started: false }));
    if (!this.machines.isUp(node)) {
      this.cancel(rec);
      rec.stage = 'frozen';
      return;
    }
    if (pod.metadata.deletionTimestamp) {
      if (rec.stage !== 'terminating') this.terminate(key, rec, pod);
      return;
    }
    const phase = pod.status?.phase;
    if (rec.stage === 'frozen' && phase !== 'Succeeded' && phase !== 'Failed') this.start(key, rec, pod);
  }

  private cancel(rec: PodRecord): void {
    for (const t of rec.timers) t.cancel();
    rec.timers = [];
  }

  private after(rec: PodRecord, ms: number, fn: () => void): void {
    const t = this.ctx.clock.setTimer(ms, () => {
      rec.timers = rec.timers.filter((x) => x !== t);
      fn();
    });
    rec.timers.push(t);
  }

  private duration(pod: KubeObject, annotation: string, fallback: number): number {
    return parseDuration(pod.metadata.annotations?.[annotation]) ?? fallback;
  }

  /** Writes a status change to the latest version of the pod, if it is still the same pod. */
  private writeStatus(key: string, rec: PodRecord, change: (status: any, pod: KubeObject, now: string) => void): KubeObject | undefined {
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.get(R.pods, namespace, name);
    if (!pod || pod.metadata.uid !== rec.uid) return undefined;
    const status = clone(pod.status ?? {});
    change(status, pod, rfc3339(this.ctx.clock.wallNow()));
    return this.ctx.api.update(R.pods, { ...pod, status }, { subresource: 'status' });
  }

  private containerStatuses(pod: KubeObject, status: any, state: ContainerStatus['state'], ready: boolean, bumpRestart: boolean): void {
    const old: ContainerStatus[] = status.containerStatuses ?? [];
    status.containerStatuses = (pod.spec?.containers ?? []).map((c: any, i: number) => {
      const prev = old.find((s) => s.name === c.name);
      const restartCount = (prev?.restartCount ?? 0) + (bumpRestart ? 1 : 0);
      const cs: ContainerStatus = {
        name: c.name,
        image: c.image,
        imageID: `${String(c.image).split(':')[0]}@sha256:${'0'.repeat(63)}${i}`,
        ready,
        restartCount,
        started: state.running !== undefined,
        state,
        lastState: prev?.lastState ?? {},
      };
      if (state.running || state.terminated) cs.containerID = `containerd://${String(pod.metadata.uid).replace(/-/g, '')}${i}${restartCount}`;
      return cs;
    });
  }

  private setConditions(status: any, now: string, ready: boolean, opts: { reason?: string; sandbox?: boolean } = {}): void {
    let conds: Condition[] = status.conditions ?? [];
    const names = (status.containerStatuses ?? []).map((c: ContainerStatus) => c.name).join(' ');
    const notReady = { status: 'False' as const, reason: opts.reason ?? 'ContainersNotReady', message: `containers with unready status: [${names}]` };
    conds = setCondition(conds, { type: 'PodReadyToStartContainers', status: opts.sandbox === false ? 'False' : 'True' }, now);
    conds = setCondition(conds, { type: 'Initialized', status: 'True' }, now);
    conds = setCondition(conds, ready ? { type: 'Ready', status: 'True' } : { type: 'Ready', ...notReady }, now);
    conds = setCondition(conds, ready ? { type: 'ContainersReady', status: 'True' } : { type: 'ContainersReady', ...notReady }, now);
    for (const c of conds) c.lastProbeTime = null;
    status.conditions = conds;
  }

  private start(key: string, rec: PodRecord, pod: KubeObject): void {
    const restart = rec.started;
    rec.stage = 'starting';
    this.writeStatus(key, rec, (status, p, now) => {
      const node = String(p.spec.nodeName);
      status.phase = 'Pending';
      status.hostIP = this.hostIp(node);
      status.hostIPs = [{ ip: status.hostIP }];
      status.startTime ??= now;
      this.containerStatuses(p, status, { waiting: { reason: 'ContainerCreating' } }, false, restart);
      this.setConditions(status, now, false, { sandbox: false });
    });
    this.after(rec, this.duration(pod, ANNOTATIONS.startAfter, this.timing.startMs), () => this.run(key, rec));
  }

  private run(key: string, rec: PodRecord): void {
    rec.stage = 'running';
    rec.started = true;
    const pod = this.writeStatus(key, rec, (status, p, now) => {
      status.phase = 'Running';
      status.podIP ??= this.podIp(String(p.spec.nodeName));
      status.podIPs = [{ ip: status.podIP }];
      this.containerStatuses(p, status, { running: { startedAt: now } }, false, false);
      this.setConditions(status, now, false);
    });
    if (!pod) return;
    const exitAfter = parseDuration(pod.metadata.annotations?.[ANNOTATIONS.exitAfter]);
    if (exitAfter !== undefined) this.after(rec, exitAfter, () => this.exit(key, rec));
    if (pod.metadata.annotations?.[ANNOTATIONS.neverReady] === 'true') return;
    this.after(rec, this.duration(pod, ANNOTATIONS.readyAfter, this.timing.readyMs), () => {
      this.writeStatus(key, rec, (status, _pod, now) => {
        for (const cs of status.containerStatuses ?? []) cs.ready = true;
        this.setConditions(status, now, true);
      });
    });
  }

  private exit(key: string, rec: PodRecord): void {
    this.cancel(rec);
    const { namespace, name } = splitKey(key);
    const pod = this.ctx.store.get(R.pods, namespace, name);
    if (!pod) return;
    const code = Number(pod.metadata.annotations?.[ANNOTATIONS.exitCode] ?? 1);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && code !== 0);
    const backoff = rec.backoffMs;
    this.writeStatus(key, rec, (status, p, now) => {
      const terminated = { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: status.containerStatuses?.[0]?.state?.running?.startedAt ?? now, finishedAt: now };
      if (restart) {
        const message = `back-off ${Math.round(backoff / 1000)}s restarting failed container=${p.spec.containers?.[0]?.name} pod=${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`;
        this.containerStatuses(p, status, { waiting: { reason: 'CrashLoopBackOff', message } }, false, true);
        for (const cs of status.containerStatuses) cs.lastState = { terminated: { ...terminated, containerID: cs.containerID } };
        this.setConditions(status, now, false);
      } else {
        this.containerStatuses(p, status, { terminated }, false, false);
        status.phase = code === 0 ? 'Succeeded' : 'Failed';
        this.setConditions(status, now, false, { reason: 'PodCompleted' });
      }
    });
    if (!restart) {
      rec.stage = 'done';
      return;
    }
    rec.stage = 'backoff';
    rec.backoffMs = Math.min(backoff * 2, this.timing.backoffMaxMs);
    this.after(rec, backoff, () => this.run(key, rec));
  }

  private terminate(key: string, rec: PodRecord, pod: KubeObject): void {
    this.cancel(rec);
    rec.stage = 'terminating';
    if (rec.started) {
      this.writeStatus(key, rec, (status, _p, now) => {
        for (const cs of status.containerStatuses ?? []) cs.ready = false;
        this.setConditions(status, now, false);
      });
    }
    const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    const wait = Math.min(grace, this.duration(pod, ANNOTATIONS.terminateAfter, this.timing.terminateMs));
    this.after(rec, wait, () => {
      const { namespace, name } = splitKey(key);
      const current = this.ctx.store.get(R.pods, namespace, name);
      if (!current || current.metadata.uid !== rec.uid) return;
      this.writeStatus(key, rec, (status, p, now) => {
        this.containerStatuses(p, status, { terminated: { exitCode: 0, reason: 'Completed', finishedAt: now } }, false, false);
      });
      this.ctx.api.delete(R.pods, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: rec.uid } });
    });
  }

  private nodeIndex(node: string): number {
    const cidr = this.ctx.store.get(R.nodes, undefined, node)?.spec?.podCIDR as string | undefined;
    return Number(/^10\.244\.(\d+)\./.exec(cidr ?? '')?.[1] ?? 0);
  }

  private hostIp(node: string): string {
    const addr = (this.ctx.store.get(R.nodes, undefined, node)?.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP');
    return addr?.address ?? '172.18.0.1';
  }

  private podIp(node: string): string {
    const n = (this.ipCounters.get(node) ?? 1) + 1;
    this.ipCounters.set(node, n > 254 ? 2 : n);
    return `10.244.${this.nodeIndex(node)}.${n}`;
  }
}
