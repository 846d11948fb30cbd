// Test helper (not shipped): a page's client on a runtime in each way a page reaches one.
import { afterEach } from 'vitest';
import type { Tidelog } from '../runtime.js';
import type { Counter } from '../test-fixtures.js';
import { followerLink, serveFollowers } from './follower.js';
import { localLink, portLink } from './links.js';
import { TidelogClient } from './remote-client.js';
import { servePort } from './serve.js';

let channels = 0;

/**
 * The three ways a page's client reaches a runtime, each closed after every test: over a
 * MessagePort (`overPort`, as a SharedWorker or a dedicated Worker serves it), as a
 * follower tab relayed by a leader (`asFollower`), and the in-page fallback (`inPage`).
 *
 * @example
 * const modes = clientModes('dead-letters');
 * const client = await modes.overPort(createTidelog({ aggregates: [Counter], store: new MemoryEventStore() }));
 */
export function clientModes(prefix: string) {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });
  const ready = async (client: TidelogClient<typeof Counter>) => {
    await client.ready;
    return client;
  };
  return {
    overPort(runtime: Promise<Tidelog>) {
      const { port1, port2 } = new MessageChannel();
      cleanups.push(
        () => port1.close(),
        () => port2.close(),
      );
      servePort(runtime, port1);
      return ready(new TidelogClient<typeof Counter>(portLink(port2), 'shared-worker'));
    },
    /** A follower tab's client: BroadcastChannel to a leader tab, which relays to its worker's port. */
    async asFollower(runtime: Promise<Tidelog>) {
      const name = `${prefix}-${++channels}`;
      cleanups.push(
        serveFollowers(name, () => {
          const { port1, port2 } = new MessageChannel();
          cleanups.push(() => port1.close());
          servePort(runtime, port1);
          return portLink(port2);
        }),
      );
      const link = followerLink(name, () => undefined);
      cleanups.push(() => link.close?.());
      await link.leaderReady;
      return ready(new TidelogClient<typeof Counter>(link, 'follower'));
    },
    /** The in-page fallback: the same session, no serialization. */
    inPage(runtime: Promise<Tidelog>) {
      return ready(new TidelogClient<typeof Counter>(localLink(runtime), 'in-page'));
    },
  };
}
