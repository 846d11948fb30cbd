import {
  DomainError,
  MemoryEventStore,
  type RejectedCommand,
  RemoteError,
  serializeError,
} from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { SyncDisabledError, UnknownRejectedError } from '../errors.js';
import { createTidelog, type Tidelog } from '../runtime.js';
import {
  ForbiddenError,
  InvalidRequestError,
  PayloadTooLargeError,
  SyncPausedError,
  SyncProtocolError,
  SyncResetError,
  SyncUnreachableError,
  UnauthorizedError,
} from '../sync/errors.js';
import type { SyncStatus } from '../sync/host.js';
import { Counter } from '../test-fixtures.js';
import { registerErrorTransfer } from './error-transfer.js';
import { clientModes } from './test-client-modes.js';
import { type FakeSync, installFakeSync, rejectedCommand } from './test-fake-sync.js';

const { overPort, asFollower, inPage } = clientModes('sync-bridge');

/** A runtime whose sync members are a fake the test drives. */
async function fakeRuntime(): Promise<{ runtime: Promise<Tidelog>; fake: FakeSync }> {
  const rt = (await createTidelog({ aggregates: [Counter], store: () => new MemoryEventStore() })) as Tidelog;
  return { runtime: Promise.resolve(rt), fake: installFakeSync(rt) };
}

/** Resolves with the first value a subscription delivers that `accept`s. */
function next<T>(subscribe: (listener: (value: T) => void) => () => void, accept: (value: T) => boolean) {
  return new Promise<T>((resolve) => {
    const off = subscribe((value) => {
      if (!accept(value)) return;
      off();
      resolve(value);
    });
  });
}

const insufficient = () => new DomainError('not enough', { code: 'INSUFFICIENT', data: { count: 1 } });

const modes = [
  ['a worker port (SharedWorker, dedicated Worker)', overPort],
  ['a follower tab (BroadcastChannel to the leader)', asFollower],
  ['the in-page fallback', inPage],
] as const;

describe.each(modes)('sync and rejected commands through %s', (_mode, connect) => {
  registerErrorTransfer();

  it('shows the status at connect synchronously, then every change pushed', async () => {
    const { runtime, fake } = await fakeRuntime();
    fake.setStatus({ state: 'live', cursor: 4, head: 4, pending: 2 });
    const client = await connect(runtime);
    expect(client.sync.status).toMatchObject({ state: 'live', cursor: 4, pending: 2 });
    expect(client.sync.getSnapshot()).toBe(client.sync.status);
    const seen = next<SyncStatus>(
      (l) => client.sync.subscribe(l),
      (s) => s.state === 'pushing',
    );
    await client.settled(); // a round trip: the runtime has the subscription now
    fake.setStatus({ state: 'pushing', pending: 3 });
    expect(await seen).toMatchObject({ state: 'pushing', pending: 3 });
    expect(client.sync.getSnapshot()).toMatchObject({ state: 'pushing', pending: 3 });
    await client.close();
  });

  it('runs now(), pause() and resume() in the runtime', async () => {
    const { runtime, fake } = await fakeRuntime();
    const client = await connect(runtime);
    fake.setStatus({ head: 9, cursor: 9, lastSyncedAt: '2026-01-01T00:00:00.000Z' });
    expect(await client.sync.now()).toMatchObject({ head: 9, cursor: 9 });
    expect(client.sync.getSnapshot()).toMatchObject({ head: 9 });
    const paused = next<SyncStatus>(
      (l) => client.sync.subscribe(l),
      (s) => s.state === 'paused',
    );
    await client.settled();
    client.sync.pause();
    expect((await paused).state).toBe('paused');
    client.sync.resume();
    await client.settled();
    expect(fake.calls).toEqual([['now'], ['pause'], ['resume']]);
    await client.close();
  });

  it("rejects now() with the runtime's error, class, code and fields kept", async () => {
    const { runtime, fake } = await fakeRuntime();
    const client = await connect(runtime);
    fake.failNow = insufficient();
    const known = await client.sync.now().catch((e: unknown) => e);
    expect(known).toBeInstanceOf(DomainError);
    expect(known).toMatchObject({ code: 'INSUFFICIENT', data: { count: 1 } });
    // A class the page does not know keeps its name, code and fields.
    fake.failNow = Object.assign(new Error('quota'), {
      name: 'AppQuotaError',
      code: 'APP_QUOTA',
    });
    const unknown = await client.sync.now().catch((e: unknown) => e);
    // In-page it is the very error; across a port or a relay, core's RemoteError.
    if (client.mode !== 'in-page') expect(unknown).toBeInstanceOf(RemoteError);
    expect(unknown).toMatchObject({
      name: 'AppQuotaError',
      code: 'APP_QUOTA',
      message: 'quota',
    });
    await client.close();
  });

  it('reads, pushes, retries and discards rejected commands', async () => {
    const { runtime, fake } = await fakeRuntime();
    const first = rejectedCommand('cmd-1', serializeError(insufficient()));
    fake.setRejected([first]);
    const client = await connect(runtime);
    expect(await client.rejected()).toEqual([first]);

    const lists: (readonly RejectedCommand[])[] = [];
    let told!: () => void;
    const firstList = new Promise<void>((resolve) => {
      told = resolve;
    });
    const offLists = client.subscribeRejected((list) => {
      lists.push(list);
      told();
    });
    await firstList;
    expect(lists).toEqual([[first]]);
    // A second listener in the page starts with the current list too.
    expect(
      await next<readonly RejectedCommand[]>(
        (l) => client.subscribeRejected(l),
        () => true,
      ),
    ).toEqual([first]);

    const second = rejectedCommand('cmd-2', serializeError(insufficient()));
    const both = next<readonly RejectedCommand[]>(
      (l) => client.subscribeRejected(l),
      (list) => list.length === 2,
    );
    fake.setRejected([first, second]);
    expect(await both).toEqual([first, second]);

    fake.failRetry = insufficient();
    const failed = await client.retryRejected('cmd-1').catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DomainError);
    expect(failed).toMatchObject({ code: 'INSUFFICIENT', data: { count: 1 } });

    const afterRetry = next<readonly RejectedCommand[]>(
      (l) => client.subscribeRejected(l),
      (list) => list.length === 1,
    );
    await client.retryRejected('cmd-1');
    expect(await afterRetry).toEqual([second]);
    await client.discardRejected(['cmd-2']);
    await client.discardRejected();
    expect(fake.calls).toEqual([
      ['retryRejected', 'cmd-1'],
      ['retryRejected', 'cmd-1'],
      ['discardRejected', ['cmd-2']],
      ['discardRejected', undefined],
    ]);
    expect(await client.rejected()).toEqual([]);
    await next<readonly RejectedCommand[]>(
      (l) => client.subscribeRejected(l),
      (list) => list.length === 0,
    );
    expect(lists.at(-1)).toEqual([]);
    offLists();
    await client.close();
  });

  it('holds one runtime listener for sync and one for rejected while the page listens', async () => {
    const { runtime, fake } = await fakeRuntime();
    const client = await connect(runtime);
    const offs = [
      client.sync.subscribe(() => undefined),
      client.sync.subscribe(() => undefined),
      client.subscribeRejected(() => undefined),
      client.subscribeRejected(() => undefined),
    ];
    await client.settled();
    expect(fake.listeners()).toEqual({ sync: 1, rejected: 1 });
    const told: SyncStatus[] = [];
    const offTold = client.sync.subscribe((s) => told.push(s));
    for (const off of offs) off();
    await client.settled();
    expect(fake.listeners()).toEqual({ sync: 1, rejected: 0 });
    const seven = next<SyncStatus>(
      (l) => client.sync.subscribe(l),
      (s) => s.pending === 7,
    );
    fake.setStatus({ pending: 7 });
    await seven;
    expect(told.at(-1)).toMatchObject({ pending: 7 });
    offTold();
    await client.settled();
    expect(fake.listeners()).toEqual({ sync: 0, rejected: 0 });
    client.subscribeRejected(() => undefined);
    await client.close();
    expect(fake.listeners()).toEqual({ sync: 0, rejected: 0 });
  });
});

describe('sync errors across a worker port', () => {
  registerErrorTransfer();
  const answer = { status: 400, serverCode: 'INVALID_REQUEST', details: { path: 'events[0].data' } };
  const errors = [
    new SyncUnreachableError('the server answered 503', 503),
    new SyncUnreachableError('fetch failed'),
    new SyncProtocolError('not protocol v1'),
    new UnauthorizedError('token expired', { status: 401, serverCode: 'UNAUTHORIZED' }),
    new ForbiddenError('not your space', { status: 403 }),
    new InvalidRequestError('bad event', answer),
    new PayloadTooLargeError('too big', { status: 413, serverCode: 'PAYLOAD_TOO_LARGE' }),
    new SyncPausedError(),
    new SyncDisabledError(),
    new SyncResetError('server-a', 'server-b'),
    new UnknownRejectedError('cmd-9'),
  ];

  it.each(errors.map((e) => [e.name, e] as const))(
    '%s keeps its class, code and fields',
    async (_n, error) => {
      const { runtime, fake } = await fakeRuntime();
      const client = await overPort(runtime);
      fake.failNow = error;
      const arrived = await client.sync.now().catch((e: unknown) => e);
      expect(arrived).toBeInstanceOf(error.constructor);
      expect(arrived).not.toBe(error);
      expect(serializeError(arrived)).toEqual(serializeError(error));
      await client.close();
    },
  );
});
