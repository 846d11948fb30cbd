import { type AnyAggregate, uuidv7 } from '@tidelog/core';
import type { Tidelog } from '../runtime.js';
import type { ClientMode } from '../types.js';
import { registerErrorTransfer } from './error-transfer.js';
import { followerLink, serveFollowers } from './follower.js';
import { localLink, portLink } from './links.js';
import { type Link, TidelogClient } from './remote-client.js';
import { CONNECT_MESSAGE } from './serve.js';

/**
 * Connect to a runtime served with `servePort`/`serveTidelog` on a port you already have
 * (a MessageChannel in tests, a worker port).
 *
 * @example
 * const client = await connectPort<typeof Counter>(port);
 * await client.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function connectPort<R extends AnyAggregate = AnyAggregate>(
  port: MessagePort,
  options: { mode?: ClientMode; tabLock?: string } = {},
): Promise<TidelogClient<R>> {
  registerErrorTransfer();
  const client = new TidelogClient<R>(portLink(port), options.mode ?? 'in-process', options.tabLock);
  await client.ready;
  return client;
}

export interface ConnectOptions<R extends AnyAggregate> {
  /** One runtime per name and origin: the SharedWorker's name and the leader lock's. */
  name: string;
  /** The worker script (a module calling `serveTidelog`). */
  url?: string | URL;
  /** A SharedWorker you created yourself. */
  sharedWorker?: SharedWorker;
  /** A dedicated Worker you created yourself (this tab only, no leader election). */
  worker?: Worker;
  /** The app's aggregates: only their types are used, to type `execute` and friends. */
  aggregates?: readonly R[];
  /** The last resort when neither SharedWorker nor Worker + Web Locks exist: a runtime in this page. */
  createRuntime?: () => Promise<Tidelog<R>>;
}

interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
  request(name: string, callback: (lock: unknown) => unknown): Promise<unknown>;
}

const forever = () => new Promise<never>(() => undefined);
const locksOf = () => (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;

/** Hold a lock named after this tab for as long as it lives; the runtime watches it. */
async function holdTabLock(): Promise<string | undefined> {
  const locks = locksOf();
  if (!locks) return undefined;
  const name = `tidelog:tab:${uuidv7()}`;
  await new Promise<void>((held) => {
    void locks.request(name, () => {
      held();
      return forever();
    });
  });
  return name;
}

function workerLink(worker: Worker): Link {
  const { port1, port2 } = new MessageChannel();
  worker.postMessage(CONNECT_MESSAGE, [port2]);
  return portLink(port1);
}

/**
 * Connect a page to the app's runtime, wherever it can live here: a SharedWorker (one per
 * origin and name, shared by all tabs); without SharedWorker a dedicated Worker in the tab
 * that holds the leader lock, with the other tabs following it over BroadcastChannel (and
 * taking over when it closes); without Workers or Web Locks an in-page runtime.
 * `client.mode` says which.
 *
 * @example
 * const client = await connectTidelog({
 *   name: 'app',
 *   url: new URL('./tidelog.worker.js', import.meta.url),
 *   aggregates: [Counter],
 * });
 * await client.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function connectTidelog<const R extends AnyAggregate>(
  options: ConnectOptions<R>,
): Promise<TidelogClient<R>> {
  registerErrorTransfer();
  const tabLock = await holdTabLock();
  const start = async (link: Link, mode: ClientMode) => {
    const client = new TidelogClient<R>(link, mode, tabLock);
    await client.ready;
    return client;
  };
  if (options.sharedWorker) return start(portLink(options.sharedWorker.port), 'shared-worker');
  if (options.worker) return start(workerLink(options.worker), 'dedicated-worker');
  const url = options.url;
  if (url !== undefined && typeof SharedWorker === 'function') {
    return start(
      portLink(new SharedWorker(url, { type: 'module', name: options.name }).port),
      'shared-worker',
    );
  }
  const locks = locksOf();
  if (url !== undefined && typeof Worker === 'function' && typeof BroadcastChannel === 'function' && locks) {
    return leadOrFollow(options.name, url, locks, start);
  }
  if (options.createRuntime) return start(localLink(options.createRuntime() as Promise<Tidelog>), 'in-page');
  throw new Error(
    'connectTidelog: no SharedWorker, no Worker with Web Locks, and no createRuntime to fall back on',
  );
}

async function leadOrFollow<R extends AnyAggregate>(
  name: string,
  url: string | URL,
  locks: LockManagerLike,
  start: (link: Link, mode: ClientMode) => Promise<TidelogClient<R>>,
): Promise<TidelogClient<R>> {
  const lead = () => {
    const worker = new Worker(url, { type: 'module', name });
    serveFollowers(name, () => workerLink(worker));
    return workerLink(worker);
  };
  const leaderLock = `tidelog:leader:${name}`;
  const leading = await new Promise<boolean>((decided) => {
    void locks.request(leaderLock, { ifAvailable: true }, (lock) => {
      decided(lock !== null);
      return lock === null ? undefined : forever();
    });
  });
  if (leading) return start(lead(), 'dedicated-worker');
  let client: TidelogClient<R> | undefined;
  const link = followerLink(name, () => void client?.reattach(link, 'follower'));
  await link.leaderReady;
  client = await start(link, 'follower');
  const follower = client;
  // Queue for the leader lock: when the leader's tab closes, one follower takes over.
  void locks.request(leaderLock, () => {
    link.close?.();
    void follower.reattach(lead(), 'dedicated-worker');
    return forever();
  });
  return follower;
}
