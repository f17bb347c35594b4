// A pod straight from the bytes of its JSON to a LeanPod: the decoder walks the document with
// JsonReader and keeps only what leanPod reads, comparing condition types and statuses as bytes,
// so a watch event makes the pod's few strings and one LeanPod, and nothing else for the GC.
// It must give exactly what leanPod(JSON.parse(...)) gives (test/kube/pod-decoder.test.ts).
import type { LeanPod } from './lean.ts';
import { leanPod, NOT_WAITING, time } from './normalize.ts';
import { ByteTable, keyBytes, parseJson } from './project.ts';
import type { Decoder, JsonReader } from './project.ts';

const keys = (...names: string[]) => names.map(keyBytes);

/**
 * One copy of what many pods share: label sets, owners, namespaces, phases, node names, found by
 * the bytes of their JSON (a value seen before makes no string). Ten thousand pods of twenty
 * Deployments then hold twenty label objects, not ten thousand.
 */
const labelSets = new ByteTable<Record<string, string>>(8192);
const owners = new Map<string, Map<string, { kind: string; name: string }>>();
const words = new ByteTable<unknown>(8192);
const frozen = (json: string): Record<string, string> => Object.freeze(JSON.parse(json) as Record<string, string>);
/** Creation times, by their text: pods created in the same second share one entry. */
const times = new ByteTable<number>(4096);
const parseTime = (json: string): number => time(JSON.parse(json));
/** A short string shared (the namespace, the node), anything else as it is. */
const word = (r: JsonReader): unknown => (r.ws() === 34 ? r.interned(words, parseJson) : r.whole());
const POD = keys('metadata', 'spec', 'status');
const META = keys('uid', 'namespace', 'name', 'resourceVersion', 'labels', 'deletionTimestamp', 'creationTimestamp', 'ownerReferences');
const SPEC = keys('nodeName');
const STATUS = keys('phase', 'conditions', 'initContainerStatuses', 'containerStatuses');
const CONDITION = keys('type', 'status', 'reason');
const CONDITION_TYPES = keys('Ready', 'PodScheduled');
const TRUE_FALSE = keys('True', 'False');
const UNSCHEDULABLE = keys('Unschedulable');
const OWNER = keys('kind', 'name', 'controller');
const CONTAINER = keys('restartCount', 'state');
const STATE = keys('waiting');
const WAITING = keys('reason');

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON scalars as they come */
/** What one decode collects; one instance, reset per pod (decoding is synchronous). */
class PodFields {
  r!: JsonReader;
  meta: { uid: any; namespace: any; name: any; resourceVersion: any } = { uid: undefined, namespace: undefined, name: undefined, resourceVersion: undefined };
  labels: any;
  deletion: any;
  /** creationTimestamp as ms since the epoch (0 when absent). */
  createdAt = 0;
  owner: { kind: string; name: string } | undefined;
  firstOwner: { kind: string; name: string } | undefined;
  nodeName: any;
  phase: any;
  ready = false;
  scheduled = false;
  unschedulable = false;
  initWaiting: string[] = NOT_WAITING;
  waiting: string[] = NOT_WAITING;
  restarts = 0;
  private condType = -1;
  private condStatus = -1;
  private condReason = -1;
  private ownerKind: any;
  private ownerName: any;
  private ownerController: any;
  private init = false;
  private waitingReason: any;

  reset(r: JsonReader): void {
    this.r = r;
    this.meta = { uid: undefined, namespace: undefined, name: undefined, resourceVersion: undefined };
    this.labels = this.deletion = this.nodeName = this.phase = undefined;
    this.createdAt = 0;
    this.owner = this.firstOwner = undefined;
    this.ready = this.scheduled = this.unschedulable = false;
    this.initWaiting = this.waiting = NOT_WAITING;
    this.restarts = 0;
  }

  readonly pod = (j: number): void => {
    if (j === 0) this.r.fields(META, this.metadata);
    else if (j === 1) this.r.fields(SPEC, this.spec);
    else this.r.fields(STATUS, this.status);
  };

  private readonly metadata = (j: number): void => {
    const r = this.r;
    switch (j) {
      case 0:
        this.meta.uid = r.whole();
        break;
      case 1:
        this.meta.namespace = word(r);
        break;
      case 2:
        this.meta.name = r.whole();
        break;
      case 3:
        this.meta.resourceVersion = r.whole();
        break;
      case 4: {
        this.labels = r.interned(labelSets, frozen);
        break;
      }
      case 5:
        this.deletion = r.whole();
        break;
      case 6:
        this.createdAt = r.interned(times, parseTime);
        break;
      default:
        r.elements(this.ownerReference);
    }
  };

  private readonly ownerReference = (): void => {
    this.ownerKind = this.ownerName = this.ownerController = undefined;
    if (!this.r.fields(OWNER, this.ownerField)) return;
    const kind = String(this.ownerKind);
    const name = String(this.ownerName);
    let byName = owners.get(kind);
    if (byName === undefined || byName.size >= 8192) owners.set(kind, (byName = new Map()));
    let ref = byName.get(name);
    if (ref === undefined) byName.set(name, (ref = { kind, name }));
    this.firstOwner ??= ref;
    if (this.ownerController && this.owner === undefined) this.owner = ref;
  };

  private readonly ownerField = (j: number): void => {
    if (j === 0) this.ownerKind = this.r.whole();
    else if (j === 1) this.ownerName = this.r.whole();
    else this.ownerController = this.r.whole();
  };

  private readonly spec = (): void => {
    this.nodeName = word(this.r);
  };

  private readonly status = (j: number): void => {
    const r = this.r;
    if (j === 0) this.phase = word(r);
    else if (j === 1) r.elements(this.condition);
    else {
      this.init = j === 2;
      r.elements(this.containerStatus);
    }
  };

  private readonly condition = (): void => {
    this.condType = this.condStatus = this.condReason = -1;
    if (!this.r.fields(CONDITION, this.conditionField)) return;
    if (this.condType === 0 && this.condStatus === 0) this.ready = true;
    else if (this.condType === 1) {
      if (this.condStatus === 0) this.scheduled = true;
      else if (this.condStatus === 1 && this.condReason === 0) this.unschedulable = true;
    }
  };

  private readonly conditionField = (j: number): void => {
    if (j === 0) this.condType = this.r.stringIndex(CONDITION_TYPES);
    else if (j === 1) this.condStatus = this.r.stringIndex(TRUE_FALSE);
    else this.condReason = this.r.stringIndex(UNSCHEDULABLE);
  };

  private readonly containerStatus = (): void => {
    this.waitingReason = undefined;
    this.r.fields(CONTAINER, this.containerField);
    if (typeof this.waitingReason === 'string') {
      if (this.init) (this.initWaiting === NOT_WAITING ? (this.initWaiting = []) : this.initWaiting).push(this.waitingReason);
      else (this.waiting === NOT_WAITING ? (this.waiting = []) : this.waiting).push(this.waitingReason);
    }
  };

  private readonly containerField = (j: number): void => {
    if (j === 0) {
      const n = this.r.whole();
      if (!this.init) this.restarts += Number(n) || 0;
    } else this.r.fields(STATE, this.state);
  };

  private readonly state = (): void => {
    this.r.fields(WAITING, this.waitingField);
  };

  private readonly waitingField = (): void => {
    this.waitingReason = this.r.whole();
  };
}

const f = new PodFields();

/**
 * What the reflector needs of a pod (its identity and resourceVersion) and the LeanPod itself;
 * leanOf() takes the LeanPod back out.
 */
export interface DecodedPod {
  metadata: { uid: unknown; namespace: unknown; name: unknown; resourceVersion: unknown };
  lean: LeanPod;
}

/** The Decoder for a pod object (in a watch event or a list's items). */
export const decodePod: Decoder = (r: JsonReader): DecodedPod | unknown => {
  if (r.ws() !== 123) return r.whole(); // not an object: as is (leanOf decodes it the slow way)
  f.reset(r);
  r.fields(POD, f.pod);
  const meta = f.meta;
  const labels: Record<string, string> = f.labels ?? {};
  const lean: LeanPod = {
    uid: String(meta.uid ?? `${meta.namespace}/${meta.name}`),
    namespace: String(meta.namespace ?? 'default'),
    name: String(meta.name),
    labels,
    nodeName: f.nodeName || undefined,
    phase: String(f.phase ?? 'Pending'),
    scheduled: Boolean(f.nodeName) || f.scheduled,
    ready: f.ready,
    unschedulable: f.unschedulable,
    waiting: f.initWaiting === NOT_WAITING ? f.waiting : f.waiting === NOT_WAITING ? f.initWaiting : [...f.initWaiting, ...f.waiting],
    restarts: f.restarts,
    deleting: Boolean(f.deletion),
    owner: f.owner ?? f.firstOwner,
    revision: labels['pod-template-hash'] ?? labels['controller-revision-hash'],
    createdAt: f.createdAt,
  };
  return { metadata: meta, lean };
};

/** The LeanPod of a decoded pod (or of a whole pod object, when it came some other way). */
export function leanOf(o: Record<string, any>): LeanPod {
  return (o as Partial<DecodedPod>).lean ?? leanPod(o);
}
