import { describe, expectTypeOf, it } from 'vitest';
import type { Tidelog } from '../runtime.js';
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
  | 'counts';

type AppFacing = Exclude<keyof Runtime, RuntimeOnly>;

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
