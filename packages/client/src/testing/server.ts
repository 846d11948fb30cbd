import type { PositionedEnvelope } from '@tidelog/core';
import type { ProtocolLimits } from '@tidelog/protocol';
import {
  createMemoryServerStore,
  createSyncServer,
  type PushValidator,
  type ServerEventStore,
  type SyncServer,
  tokenAuth,
} from '@tidelog/server';
import { raceAbort } from './abort.js';

/** Options of `createTestServer`. */
export interface TestServerOptions {
  /**
   * A SQLite file to store into (better-sqlite3, as the runnable server does). Default: the
   * in-memory store.
   */
  sqlite?: string;
  /** Bearer tokens and the spaces each may use (`"*"`: all). Default: an open server. */
  tokens?: Record<string, readonly string[]>;
  /** The server's push and pull limits (default: the protocol's). */
  limits?: Partial<ProtocolLimits>;
  /** A stricter push validator, e.g. one that checks each event type's data (400 otherwise). */
  pushValidator?: PushValidator;
}

/** An in-process sync server and a `fetch` that reaches it without a socket. */
export interface TestServer {
  /** The base URL clients are given; only `fetch` below reaches it. */
  readonly url: string;
  /** `fetch` into the server, in-process; honours `signal` as a real fetch does. */
  readonly fetch: typeof fetch;
  /** The Hono app (`createSyncServer`) serving now. */
  readonly app: SyncServer;
  /** The store behind it. */
  readonly store: ServerEventStore;
  /** Every event of `space`, in position order: the server's log, for assertions. */
  events(space: string): Promise<PositionedEnvelope[]>;
  /** Start over with an empty store and a new `serverId`: a server whose log was reset. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start the Tidelog sync server in this process (the real one, `@tidelog/server`, on a
 * memory store or a SQLite file), reachable through `server.fetch`. Give that `fetch` (or
 * a `createTestLink` around it) to clients: `sync: { url: server.url, space, fetch }`.
 *
 * @example
 * const server = await createTestServer();
 * const link = createTestLink(server.fetch);
 * const sync = { url: server.url, space: 'team-1', fetch: link.fetch };
 * const tidelog = await createTidelog({ aggregates: [Todo], store: new MemoryEventStore(), sync });
 */
export async function createTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let generation = 0;
  const open = async (): Promise<ServerEventStore> => {
    if (options.sqlite === undefined) return createMemoryServerStore();
    const { createSqliteServerStore } = await import('@tidelog/server/sqlite');
    // A reset gets a file of its own: the old one stays for a post-mortem.
    const filename = generation === 0 ? options.sqlite : `${options.sqlite}.reset-${generation}`;
    return createSqliteServerStore({ filename, synchronous: 'normal' });
  };
  const serve = (store: ServerEventStore): SyncServer =>
    createSyncServer({
      store,
      ...(options.tokens ? { auth: tokenAuth(options.tokens) } : {}),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.pushValidator ? { pushValidator: options.pushValidator } : {}),
    });
  let store = await open();
  let app = serve(store);
  const stop = async () => {
    await app.close();
    await store.close();
  };
  const server: TestServer = {
    url: 'http://tidelog.test',
    fetch: (input, init) => {
      const request = new Request(input, init);
      return raceAbort(Promise.resolve(app.fetch(request)), request.signal);
    },
    get app() {
      return app;
    },
    get store() {
      return store;
    },
    async events(space) {
      const out: PositionedEnvelope[] = [];
      for (;;) {
        const page = await store.pull(space, { after: out.at(-1)?.position ?? 0, limit: 5000 });
        out.push(...page.events);
        if (!page.hasMore) return out;
      }
    },
    async reset() {
      await stop();
      generation++;
      store = await open();
      app = serve(store);
    },
    close: stop,
  };
  return server;
}
