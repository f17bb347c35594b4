// Turns a watch request into a WatchStream: the resourceVersion modes (unset and "0" replay
// the current state as ADDED; a version resumes from history; an expired one gets 200 plus one
// ERROR 410 event; one from the future waits briefly, then 504 as the API server answers).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors } from '../errors.ts';
import { parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import type { Store } from '../store.ts';
import type { ResourceType } from '../resources.ts';
import { sendError } from './io.ts';
import { WatchStream } from './watch.ts';

export interface WatchOptions {
  bookmarkIntervalMs: number;
  /** How long a watch from a future resourceVersion waits for it before answering 504. */
  futureRvWaitMs: number;
  maxBufferBytes: number;
  /** Watches without timeoutSeconds end after a random 30-60 min, as on a real server. */
  defaultTimeoutMs: () => number;
}

export function expiredStatus(rv: number, floor: number): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${rv} (${floor})`, reason: 'Expired', code: 410 };
}

export async function serveWatch(opts: {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  resource: ResourceType;
  namespace?: string;
  name?: string;
  table: boolean;
  store: Store;
  options: WatchOptions;
  register: (w: WatchStream) => void;
}): Promise<void> {
  const { url, store, resource } = opts;
  const q = url.searchParams;
  const labels = parseLabelSelector(q.get('labelSelector'));
  let fieldText = q.get('fieldSelector') ?? '';
  // GET .../pods/<name>?watch=true watches one object, as metadata.name=<name>.
  if (opts.name) fieldText = fieldText ? `${fieldText},metadata.name=${opts.name}` : `metadata.name=${opts.name}`;
  const fields = parseFieldSelector(fieldText, resource);
  const timeoutSeconds = q.get('timeoutSeconds');
  const timeoutMs = timeoutSeconds !== null && Number(timeoutSeconds) > 0 ? Number(timeoutSeconds) * 1000 : opts.options.defaultTimeoutMs();
  const rvText = q.get('resourceVersion') ?? '';
  const allowBookmarks = q.get('allowWatchBookmarks') === 'true';
  const sendInitial = q.get('sendInitialEvents');
  if (rvText !== '' && rvText !== '0' && !/^\d+$/.test(rvText)) throw errors.badRequest(`invalid resource version: ${rvText}`);
  if (sendInitial === 'true' && !allowBookmarks) throw errors.invalid('ListOptions', '', [{ field: 'allowWatchBookmarks', message: 'Forbidden: sendInitialEvents requires setting allowWatchBookmarks=true' }]);
  const rv = rvText === '' || rvText === '0' ? undefined : Number(rvText);

  if (rv !== undefined && rv > store.resourceVersion) {
    const reached = await waitForVersion(store, rv, opts.options.futureRvWaitMs, opts.res);
    if (!reached) {
      sendError(opts.res, errors.timeout(`Too large resource version: ${rv}, current: ${store.resourceVersion}`, 'ResourceVersionTooLarge'));
      return;
    }
  }
  if (opts.res.destroyed) return;
  const stream = new WatchStream({
    res: opts.res,
    store,
    now: () => Date.now(),
    params: {
      res: resource,
      namespace: resource.namespaced ? opts.namespace : undefined,
      labels,
      fields,
      table: opts.table,
      allowBookmarks,
      bookmarkIntervalMs: opts.options.bookmarkIntervalMs,
      timeoutMs,
      maxBufferBytes: opts.options.maxBufferBytes,
    },
  });
  opts.register(stream);
  const replayState = rv === undefined ? sendInitial !== 'false' : sendInitial === 'true';
  if (replayState) {
    const initial = store.list(resource, resource.namespaced ? opts.namespace : undefined)
      .filter((o) => labels.matches(o.metadata.labels) && fields.matches(o))
      .sort((a, b) => (`${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1));
    stream.start({ initial, initialEventsEnd: sendInitial === 'true' });
    return;
  }
  const history = rv === undefined ? [] : store.history.since(rv);
  if (history === 'expired') {
    stream.start({});
    stream.fail(expiredStatus(rv as number, store.history.floor));
    return;
  }
  stream.start({ history });
}

function waitForVersion(store: Store, rv: number, ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      res.off('close', onClose);
      resolve(ok);
    };
    const onClose = () => done(false);
    const unsubscribe = store.subscribe(() => {
      if (store.resourceVersion >= rv) done(true);
    });
    const timer = setTimeout(() => done(store.resourceVersion >= rv), ms);
    res.on('close', onClose);
  });
}
