import { DEFAULT_LIMITS, type ProtocolLimits } from '@tidelog/protocol';
import { systemTimers, type Timers } from '../timers.js';
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js';
import type { SyncApi, SyncHost, SyncOptions } from './host.js';
import { SyncLoop } from './loop.js';
import { type NetworkWatch, platformNetwork } from './network.js';

/** The sync loop of a runtime; `close` stops it (the runtime's `close` calls it). */
export interface SyncEngine extends SyncApi {
  /** Stop: abort requests in flight, end the live stream, clear timers; resolves when all is quiet. */
  close(): Promise<void>;
}

/** What tests (and the runtime) may replace; every field has a default. */
export interface SyncInternals {
  /** Clock and timers for backoff (default: the platform's). */
  timers?: Timers;
  /** Source of the backoff jitter, in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** Online/offline signal (default: `navigator.onLine` and the global scope's events). */
  network?: NetworkWatch;
  /** The server's limits, when it runs with other than the protocol's defaults. */
  limits?: Partial<ProtocolLimits>;
  /** Backoff bounds (default 100 ms doubling up to 30 s, full jitter). */
  backoff?: Partial<BackoffOptions>;
}

/**
 * Start the sync loop of a runtime (`docs/sync.md`): push pending commands, pull and
 * follow the server live, retry with backoff, report status. The runtime creates it when
 * `createTidelog({ sync })` is given and calls `close` when it closes.
 *
 * @example
 * const engine = createSyncEngine(host, { url: 'https://sync.example.com', space: 'team-1' });
 * engine.subscribe((status) => console.log(status.state, status.pending));
 * await engine.now();
 * await engine.close();
 */
export function createSyncEngine(
  host: SyncHost,
  options: SyncOptions,
  internals: SyncInternals = {},
): SyncEngine {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const loop = new SyncLoop({
    host,
    options,
    fetch: fetchImpl,
    timers: internals.timers ?? systemTimers,
    random: internals.random ?? Math.random,
    network: internals.network ?? platformNetwork(),
    limits: { ...DEFAULT_LIMITS, ...internals.limits },
    backoff: { ...DEFAULT_BACKOFF, ...internals.backoff },
  });
  return {
    get status() {
      return loop.status;
    },
    getSnapshot: () => loop.status,
    subscribe: (listener) => loop.subscribe(listener),
    now: () => loop.now(),
    pause: () => loop.pause(),
    resume: () => loop.resume(),
    close: () => loop.close(),
  };
}
