import type { AnyAggregate } from '@tidelog/core';
import type { Tidelog } from '../runtime.js';
import type { SyncOptions } from '../sync/host.js';
import type { ClientMode } from '../types.js';
import { localLink } from './links.js';
import { forever, holdIfFree, locksOf } from './locks.js';
import type { Link, TidelogClient } from './remote-client.js';
import type { RuntimeInit } from './serve.js';

/**
 * The in-page fallback (no SharedWorker, no Worker with Web Locks): a runtime in this page.
 * Every tab has one, on the same store, but only one tab of the origin may sync: the one
 * holding the `tidelog:sync:<name>` Web Lock. The others run in pending mode (their
 * commands wait in the shared outbox for the syncing tab to push, never confirmed locally)
 * and queue for the lock; when the syncing tab closes, the next one replaces its runtime
 * with one that syncs (subscriptions move over). Without Web Locks there is no way to
 * elect, and this tab syncs.
 *
 * @example
 * const client = await inPageClient('app', (init) => createTidelog({ aggregates, ...init }), sync, start);
 */
export async function inPageClient<R extends AnyAggregate>(
  name: string,
  createRuntime: (init: RuntimeInit) => Promise<Tidelog<R>>,
  sync: SyncOptions | undefined,
  start: (link: Link, mode: ClientMode) => Promise<TidelogClient<R>>,
): Promise<TidelogClient<R>> {
  const locks = locksOf();
  // A tab that does not sync tells the one that does when it adds to the shared outbox,
  // so its commands are pushed at once instead of at that tab's next round.
  const channel =
    sync && locks && typeof BroadcastChannel === 'function'
      ? new BroadcastChannel(`tidelog:outbox:${name}`)
      : undefined;
  const open = (init: RuntimeInit) => {
    const runtime = createRuntime(init) as Promise<Tidelog>;
    if (channel) {
      void runtime.then((rt) => {
        if (init.sync) channel.addEventListener('message', () => rt.outboxChanged());
        else rt.onLocalChange((change) => change?.outbox && channel.postMessage(0));
      }, noop);
    }
    return localLink(runtime);
  };
  if (!sync) return start(open({}), 'in-page');
  if (!locks) return start(open({ sync }), 'in-page');
  const syncLock = `tidelog:sync:${name}`;
  if (await holdIfFree(locks, syncLock)) return start(open({ sync }), 'in-page');
  const first = open({ pending: true });
  const client = await start(first, 'in-page');
  void locks.request(syncLock, async () => {
    await client.reattach(open({ sync }), 'in-page');
    // The old runtime (same store) ends after the work it had begun.
    await first.session.disconnect();
    await first.close?.();
    return forever();
  });
  return client;
}

const noop = () => {};
