import type { RejectedCommand } from '@tidelog/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Tidelog } from '../runtime.js';
import type { SyncApi, SyncStatus } from '../sync/host.js';
import type { Counter, Log } from '../test-fixtures.js';
import type { TidelogApi } from '../types.js';
import type { TidelogClient } from './remote-client.js';

type App = typeof Counter | typeof Log;
type Runtime = Tidelog<App>;
type Client = TidelogClient<App>;

/**
 * Members of the in-process runtime a page does not get, on purpose (README, "Worker
 * bridge", "What stays in the worker"). Adding a member to `Tidelog` without adding it to
 * `TidelogApi` (which the worker client implements) or to this list fails this file.
 */
type RuntimeOnly =
  | 'store'
  | 'start'
  | 'debug'
  | 'aggregateByType'
  // The sync loop's side (`SyncHost`), used in the worker only.
  | 'confirm'
  | 'reject'
  | 'resetConfirmed'
  | 'onLocalChange'
  | 'counts'
  // What the in-page fallback tells a syncing tab's runtime about the other tabs' commands.
  | 'outboxChanged';

type AppFacing = Exclude<keyof Runtime, RuntimeOnly>;

/**
 * Members only the page has, on purpose (README, "Worker bridge"): where the runtime lives
 * and how the page reaches it. A new public member of the client must be in `TidelogApi`
 * (so the runtime has it too) or on this list.
 */
type PageOnly = 'mode' | 'ready' | 'reattach' | 'liveListeners' | 'onLost';

/** The keys whose member type differs between the two (a method with other parameters or result). */
type Differing = {
  [K in keyof TidelogApi<App>]: [Client[K]] extends [Runtime[K]]
    ? [Runtime[K]] extends [Client[K]]
      ? never
      : K
    : K;
}[keyof TidelogApi<App>];

describe('worker client parity with the in-process runtime', () => {
  it('offers every app-facing member of the runtime', () => {
    expectTypeOf<Exclude<AppFacing, keyof TidelogApi<App>>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<AppFacing, keyof Client>>().toEqualTypeOf<never>();
    expectTypeOf<Client>().toMatchTypeOf<TidelogApi<App>>();
    expectTypeOf<Runtime>().toMatchTypeOf<TidelogApi<App>>();
  });

  it('adds nothing of its own but the page-only members', () => {
    expectTypeOf<Exclude<keyof Client, keyof TidelogApi<App> | PageOnly>>().toEqualTypeOf<never>();
  });

  it('offers the same sync API and rejected commands', () => {
    expectTypeOf<Client['sync']>().toEqualTypeOf<Runtime['sync']>();
    expectTypeOf<Client['sync']>().toEqualTypeOf<SyncApi>();
    expectTypeOf<Client['sync']['getSnapshot']>().toEqualTypeOf<() => SyncStatus>();
    expectTypeOf<Client['sync']['now']>().toEqualTypeOf<() => Promise<SyncStatus>>();
    expectTypeOf<Client['rejected']>().toEqualTypeOf<Runtime['rejected']>();
    expectTypeOf<Client['rejected']>().toEqualTypeOf<() => Promise<RejectedCommand[]>>();
    expectTypeOf<Client['subscribeRejected']>().toEqualTypeOf<Runtime['subscribeRejected']>();
    expectTypeOf<Client['retryRejected']>().toEqualTypeOf<Runtime['retryRejected']>();
    expectTypeOf<Client['discardRejected']>().toEqualTypeOf<Runtime['discardRejected']>();
  });

  it('types every shared method the same way', () => {
    // `warnings` is a live array in the runtime and a read-only copy in the page.
    expectTypeOf<Exclude<Differing, 'warnings'>>().toEqualTypeOf<never>();
    expectTypeOf<Client['retryDeadLetter']>().toEqualTypeOf<(id: string) => Promise<boolean>>();
    expectTypeOf<Client['clearDeadLetters']>().toEqualTypeOf<(ids?: readonly string[]) => Promise<void>>();
  });

  it('types commands from the app aggregates in the page too', async () => {
    const client = {} as Client;
    const result = await client.execute({} as typeof Counter, 'c-1', 'increment', { by: 1 });
    expectTypeOf(result.state).toEqualTypeOf<{ count: number }>();
    // @ts-expect-error: no such command
    void client.execute({} as typeof Counter, 'c-1', 'incremnt', { by: 1 });
    client.subscribeDeadLetters((letter) => expectTypeOf(letter.error.code).toEqualTypeOf<string>());
  });
});
