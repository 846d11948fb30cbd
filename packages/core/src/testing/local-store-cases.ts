import type {
  DeadLetter,
  LocalChange,
  LocalEventStore,
  OutboxEntry,
  RejectedCommand,
} from '../local-store.js';
import type { Snapshot } from '../snapshot.js';
import type { AppendEvent, Envelope, PositionedEnvelope } from '../types.js';
import { uuidv7 } from '../uuid.js';
import { check, equal, rejects } from './assert.js';

/** One `LocalEventStore` conformance case: a name, and a body that throws on failure. */
export interface LocalStoreCase {
  name: string;
  run(newStore: () => Promise<LocalEventStore>): Promise<void>;
}

type Body = (s: LocalEventStore) => Promise<void>;
const c = (name: string, body: Body): LocalStoreCase => ({
  name,
  async run(newStore) {
    const store = await newStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  },
});

const ev = (n: number): AppendEvent => ({ id: uuidv7(), type: 'Added', data: { n } });
const command = (streamId: string, name = 'add'): OutboxEntry => ({
  commandId: uuidv7(),
  aggregateType: 'todo',
  streamId,
  command: name,
  payload: { title: name },
  baseVersion: 0,
  eventIds: [],
  timestamp: '2026-01-01T00:00:00.000Z',
  metadata: { by: 'test' },
});
/** Append a command's events as pending. */
const pend = (s: LocalEventStore, streamId: string, events: AppendEvent[], name = 'add') =>
  s.appendPending(streamId, events, { command: command(streamId, name) });
/** What a server would send back for these events. */
const positioned = (events: readonly Envelope[], from: number): PositionedEnvelope[] =>
  events.map((e, i) => ({ ...e, position: from + i }));
const foreign = (streamId: string, version: number, position: number): PositionedEnvelope => ({
  id: uuidv7(),
  streamId,
  version,
  type: 'Added',
  schemaVersion: 1,
  data: { from: 'elsewhere' },
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other-device' },
  position,
});
const ids = (events: readonly { id: string }[]) => events.map((e) => e.id);
const trigger = foreign('order-1', 1, 1);
const letter = (id: string, at: string, withDispatch = true): DeadLetter => ({
  id,
  processManager: 'shipping',
  event: trigger,
  ...(withDispatch && {
    dispatch: {
      aggregateType: 'shipment',
      streamId: 'ship-1',
      command: 'create',
      payload: { order: 'order-1', lines: [1, 2] },
      commandId: id,
      metadata: { correlationId: 'c-1', causationDepth: 1 },
    },
  }),
  error: { name: 'DomainError', code: 'OUT_OF_STOCK', message: 'no', details: { sku: 'a-1' } },
  at,
});

/**
 * The `LocalEventStore` extras as plain cases (pending events, outbox, `applyConfirmed`,
 * `takePending`, rejected commands, checkpoints, events by id, process-manager checkpoints,
 * dead letters, meta, snapshots), runnable by vitest
 * (`runLocalStoreConformance`) or inside a browser page.
 */
export const localStoreCases: LocalStoreCase[] = [
  c('pending events have versions but no positions, and an outbox entry', async (s) => {
    const r = await pend(s, 't-1', [ev(1), ev(2)]);
    equal([r.fromVersion, r.toVersion], [1, 2], 'versions');
    equal(
      (await s.readStream('t-1')).map((e) => [e.version, e.position ?? null]),
      [
        [1, null],
        [2, null],
      ],
      'stream',
    );
    equal(await s.readAll(), [], 'not in the positioned log');
    equal(await s.head(), 0, 'head');
    equal(await s.streamVersion('t-1'), 2, 'version counts pending');
    const [entry, ...rest] = await s.readOutbox();
    check(entry && rest.length === 0, 'one outbox entry');
    equal(
      [entry.streamId, entry.command, entry.payload, entry.eventIds],
      ['t-1', 'add', { title: 'add' }, ids(r.events)],
      'entry',
    );
  }),
  c(
    'appendPending checks the version against confirmed + pending and writes nothing on conflict',
    async (s) => {
      await pend(s, 't-1', [ev(1)]);
      const err = await rejects(
        () => s.appendPending('t-1', [ev(2)], { expectedVersion: 0, command: command('t-1') }),
        'VERSION_CONFLICT',
        'stale expectedVersion',
      );
      equal(err.actualVersion, 1, 'actualVersion');
      await s.appendPending('t-1', [ev(2)], { expectedVersion: 1, command: command('t-1') });
      equal((await s.readOutbox()).length, 2, 'only the accepted commands are in the outbox');
      equal(await s.streamVersion('t-1'), 2, 'version');
    },
  ),
  c('appendPending with the same ids again is a no-op', async (s) => {
    const events = [ev(1), ev(2)];
    const first = await pend(s, 't-1', events);
    const again = await pend(s, 't-1', events);
    equal(
      [again.fromVersion, again.toVersion, ids(again.events)],
      [1, 2, ids(first.events)],
      'original result',
    );
    equal((await s.readOutbox()).length, 1, 'one outbox entry');
    equal((await s.readPending()).length, 2, 'stored once');
  }),
  c('readPending and readOutbox keep the order the commands ran, across streams', async (s) => {
    const a = await pend(s, 'a', [ev(1)], 'first');
    const b = await pend(s, 'b', [ev(2), ev(3)], 'second');
    const a2 = await pend(s, 'a', [ev(4)], 'third');
    equal(ids(await s.readPending()), [...ids(a.events), ...ids(b.events), ...ids(a2.events)], 'all pending');
    equal(ids(await s.readPending({ streamId: 'a' })), [...ids(a.events), ...ids(a2.events)], 'one stream');
    equal(
      (await s.readOutbox()).map((o) => o.command),
      ['first', 'second', 'third'],
      'outbox order',
    );
  }),
  c('applyConfirmed confirms own pending events by id: positions, no rebase', async (s) => {
    const r = await pend(s, 't-1', [ev(1), ev(2)]);
    const seen: Envelope[] = [];
    const off = s.subscribe((events) => seen.push(...events));
    const out = await s.applyConfirmed(positioned(r.events, 1));
    off();
    equal(out, { confirmed: ids(r.events), added: [], displaced: [] }, 'outcome');
    equal(await s.readOutbox(), [], 'outbox emptied');
    equal(await s.readPending(), [], 'nothing pending');
    equal(
      (await s.readAll()).map((e) => [e.id, e.position]),
      [
        [r.events[0]!.id, 1],
        [r.events[1]!.id, 2],
      ],
      'log',
    );
    equal(
      (await s.readStream('t-1')).map((e) => e.position),
      [1, 2],
      'stream has positions',
    );
    equal(seen, [], 'confirmations are not new events');
  }),
  c('an outbox entry stays until all of its events are confirmed', async (s) => {
    const r = await pend(s, 't-1', [ev(1), ev(2)]);
    await s.applyConfirmed(positioned(r.events.slice(0, 1), 1));
    equal((await s.readOutbox()).length, 1, 'still in the outbox');
    equal(ids(await s.readPending()), [r.events[1]!.id], 'second still pending');
    await s.applyConfirmed([{ ...r.events[1]!, position: 2 }]);
    equal(await s.readOutbox(), [], 'gone once all are confirmed');
  }),
  c("foreign events displace a stream's pending commands, in order, in one step", async (s) => {
    const first = await pend(s, 't-1', [ev(1)], 'first');
    await pend(s, 't-1', [ev(2)], 'second');
    const other = await pend(s, 't-2', [ev(3)], 'other');
    const theirs = foreign('t-1', 1, 1);
    const seen: Envelope[] = [];
    const off = s.subscribe((events) => seen.push(...events));
    const out = await s.applyConfirmed([theirs]);
    off();
    equal(
      out.displaced.map((o) => o.command),
      ['first', 'second'],
      'displaced commands in order',
    );
    equal(out.displaced[0]?.eventIds, ids(first.events), 'with their event ids');
    equal([out.confirmed, ids(out.added)], [[], [theirs.id]], 'added');
    equal(
      (await s.readStream('t-1')).map((e) => [e.id, e.position]),
      [[theirs.id, 1]],
      'pending dropped',
    );
    equal(await s.streamVersion('t-1'), 1, 'version is the confirmed one');
    equal(
      (await s.readOutbox()).map((o) => [o.command, o.displaced ?? null]),
      [
        ['first', 'rebase'],
        ['second', 'rebase'],
        ['other', null],
      ],
      'displaced commands stay stored, marked, in order; other streams untouched',
    );
    equal(ids(await s.readPending()), ids(other.events), 'displaced commands have no pending events');
    equal(ids(seen), [theirs.id], 'subscribers see the new event');
  }),
  c(
    'bug 1: an own event confirmed in a batch with a foreign one stays confirmed, not displaced',
    async (s) => {
      const mine = await pend(s, 't-1', [ev(1)], 'mine');
      const later = await pend(s, 't-1', [ev(2)], 'later');
      const theirs = foreign('t-1', 2, 2);
      const out = await s.applyConfirmed([theirs, ...positioned(mine.events, 1)]);
      equal(out.confirmed, ids(mine.events), 'own event confirmed');
      equal(
        out.displaced.map((o) => o.command),
        ['later'],
        'only the command after it is displaced',
      );
      equal(
        (await s.readOutbox()).map((o) => o.command),
        ['later'],
        'the confirmed command left the outbox',
      );
      equal(await s.getEvent(later.events[0]!.id), undefined, 'the displaced pending event is gone');
      equal(
        (await s.readStream('t-1')).map((e) => [e.id, e.position]),
        [
          [mine.events[0]!.id, 1],
          [theirs.id, 2],
        ],
        'stream',
      );
    },
  ),
  c('applyConfirmed writes the sync cursor in the same step', async (s) => {
    await s.applyConfirmed([foreign('x', 1, 1)], { sync: { cursor: 1, serverId: 'srv' } });
    equal(await s.getMeta('sync'), { cursor: 1, serverId: 'srv' }, 'cursor stored');
    await s.applyConfirmed([], { sync: { cursor: 1, serverId: 'srv', head: 9 } });
    equal(await s.getMeta('sync'), { cursor: 1, serverId: 'srv', head: 9 }, 'an empty page moves it too');
  }),
  c(
    'bug 9: applyConfirmed refuses a version or position another event holds, and writes nothing',
    async (s) => {
      const local = await s.appendToStream('x', [ev(1)]);
      await s.setMeta('sync', { cursor: 0, serverId: 'srv' });
      const mine = await pend(s, 'p', [ev(2)]);
      const sameVersion = foreign('x', 1, 5);
      let err = await rejects(
        () => s.applyConfirmed([sameVersion], { sync: { cursor: 5, serverId: 'srv' } }),
        'CONFIRM_CONFLICT',
        'version held by a confirmed event',
      );
      equal([err.streamId, err.version, err.heldBy], ['x', 1, local.events[0]!.id], 'fields');
      err = await rejects(
        () => s.applyConfirmed([foreign('y', 1, local.events[0]!.position)]),
        'CONFIRM_CONFLICT',
        'position held',
      );
      equal(err.position, local.events[0]!.position, 'position field');
      await rejects(
        () =>
          s.applyConfirmed([
            foreign('z', 1, 7),
            { ...mine.events[0]!, streamId: 'p', version: 3, position: 8 },
          ]),
        'CONFIRM_CONFLICT',
        'own id at another version',
      );
      equal(
        (await s.readAll()).map((e) => e.id),
        ids(local.events),
        'nothing written',
      );
      equal(await s.getMeta('sync'), { cursor: 0, serverId: 'srv' }, 'cursor unchanged');
      equal(ids(await s.readPending()), ids(mine.events), 'pending unchanged');
    },
  ),
  c("a page boundary inside a command's events: the rest stays pending, then confirms", async (s) => {
    const big = await pend(s, 't-1', [ev(1), ev(2), ev(3), ev(4)], 'big');
    const next = await pend(s, 't-1', [ev(5)], 'next');
    const [e1, e2, e3, e4] = big.events;
    // The first page ends after the command's second event.
    const out = await s.applyConfirmed(positioned([e1!, e2!], 1));
    equal(out, { confirmed: ids([e1!, e2!]), added: [], displaced: [] }, 'outcome');
    equal(
      (await s.readStream('t-1')).map((e) => [e.version, e.position ?? null]),
      [
        [1, 1],
        [2, 2],
        [3, null],
        [4, null],
        [5, null],
      ],
      'stream',
    );
    equal(
      (await s.readStream('t-1', { fromVersion: 2, toVersion: 3 })).map((e) => e.id),
      ids([e2!, e3!]),
      'a range across the boundary',
    );
    equal(ids(await s.readPending()), ids([e3!, e4!, ...next.events]), 'pending');
    equal(
      (await s.readOutbox()).map((o) => o.command),
      ['big', 'next'],
      'both commands wait',
    );
    equal([await s.head(), await s.streamVersion('t-1')], [2, 5], 'head and version');
    equal((await s.getEvent(e3!.id))?.position, undefined, 'a pending event by id');
    equal((await s.getEvent(e2!.id))?.position, 2, 'a confirmed event by id');
    const more = await s.appendPending('t-1', [ev(6)], { expectedVersion: 5, command: command('t-1') });
    equal(more.fromVersion, 6, 'a new command follows');
    // The next page: the rest of the command, the next one, and a foreign event.
    const theirs = foreign('t-2', 1, 6);
    const rest = await s.applyConfirmed([...positioned([e3!, e4!, ...next.events], 3), theirs]);
    equal([rest.confirmed, ids(rest.added)], [ids([e3!, e4!, ...next.events]), [theirs.id]], 'confirmed');
    equal(
      (await s.readOutbox()).map((o) => o.eventIds),
      [ids(more.events)],
      'only the newest command waits',
    );
    equal(
      (await s.readAll({ after: 1, limit: 4 })).map((e) => e.position),
      [2, 3, 4, 5],
      'the log across both pages',
    );
    equal(
      (await s.readStream('t-1', { fromVersion: 4 })).map((e) => [e.version, e.position ?? null]),
      [
        [4, 4],
        [5, 5],
        [6, null],
      ],
      'stream from the middle',
    );
  }),
  c('a rebase that displaces part of a stream keeps what was confirmed before it', async (s) => {
    await s.applyConfirmed([foreign('t-1', 1, 1)]);
    const mine = await pend(s, 't-1', [ev(1), ev(2)], 'mine');
    const later = await pend(s, 't-1', [ev(3), ev(4)], 'later');
    const other = await pend(s, 't-2', [ev(5)], 'other');
    const [, o2] = await s.readOutbox();
    // One page: this device's first command, then a foreign event where its second one was.
    const theirs = foreign('t-1', 4, 4);
    const again = later.events.map((e) => ({ id: e.id, type: 'Added', data: { n: 9 } }));
    const out = await s.applyConfirmed([...positioned(mine.events, 2), theirs], {
      rebase: [
        {
          streamId: 't-1',
          replaces: [o2!.commandId],
          append: [{ command: { ...o2!, baseVersion: 4 }, events: again }],
          rejected: [],
        },
      ],
    });
    equal([out.confirmed, ids(out.added), out.displaced], [ids(mine.events), [theirs.id], []], 'outcome');
    equal(
      (await s.readStream('t-1')).map((e) => [e.version, e.position ?? null, e.id]),
      [
        [1, 1, (await s.readAll())[0]!.id],
        [2, 2, mine.events[0]!.id],
        [3, 3, mine.events[1]!.id],
        [4, 4, theirs.id],
        [5, null, later.events[0]!.id],
        [6, null, later.events[1]!.id],
      ],
      'confirmed, foreign, then the command decided again with its ids',
    );
    equal(
      (await s.readPending()).map((e) => [e.streamId, e.version]),
      [
        ['t-2', 1],
        ['t-1', 5],
        ['t-1', 6],
      ],
      'pending',
    );
    equal((await s.getEvent(later.events[1]!.id))?.data, { n: 9 }, 'the new event by its id');
    equal(
      (await s.readOutbox()).map((o) => o.command),
      ['other', 'later'],
      'outbox',
    );
    equal(ids(await s.readPending({ streamId: 't-2' })), ids(other.events), 'other stream untouched');
  }),
  c('takePending after a partial confirmation drops only the pending rest', async (s) => {
    const r = await pend(s, 't-1', [ev(1), ev(2), ev(3)]);
    await s.applyConfirmed(positioned(r.events.slice(0, 1), 1));
    equal((await s.takePending('t-1')).length, 1, 'the entry taken');
    equal(
      (await s.readStream('t-1')).map((e) => [e.id, e.position]),
      [[r.events[0]!.id, 1]],
      'the confirmed event stays',
    );
    equal([await s.streamVersion('t-1'), await s.getEvent(r.events[1]!.id)], [1, undefined], 'the rest gone');
    equal((await pend(s, 't-1', [ev(4)])).fromVersion, 2, 'the next command takes its place');
  }),
  c('readPending returns many pending events of several streams in command order', async (s) => {
    await s.applyConfirmed([foreign('m-1', 1, 1), foreign('m-1', 2, 2)]);
    const batch = (n: number, from: number) => Array.from({ length: n }, (_, i) => ev(from + i));
    const first = await pend(s, 'm-1', batch(60, 0), 'first');
    const other = await pend(s, 'm-2', batch(30, 100), 'other');
    const second = await pend(s, 'm-1', batch(40, 200), 'second');
    const all = [...first.events, ...other.events, ...second.events];
    equal(ids(await s.readPending()), ids(all), 'every pending event, in command order');
    equal(
      ids(await s.readPending({ streamId: 'm-1' })),
      ids([...first.events, ...second.events]),
      'one stream',
    );
    // The first command comes back confirmed: what stays pending is the rest.
    await s.applyConfirmed(positioned(first.events, 3));
    equal(ids(await s.readPending()), ids([...other.events, ...second.events]), 'after a confirmation');
  }),
  c('applyConfirmed finds an incoming id stored at another place, in any stream', async (s) => {
    const known = foreign('x', 1, 1);
    await s.applyConfirmed([known]);
    const mine = await pend(s, 'p', [ev(1)]);
    // The server sends an event again at another place: it is known, so it is skipped.
    const moved = { ...known, streamId: 'y', version: 1, position: 2 };
    const out = await s.applyConfirmed([moved, foreign('y', 2, 3)]);
    equal([ids(out.added).length, out.confirmed], [1, []], 'the known id skipped, the new one added');
    equal(
      (await s.readAll()).map((e) => [e.streamId, e.version, e.position]),
      [
        ['x', 1, 1],
        ['y', 2, 3],
      ],
      'stored once, where it was',
    );
    // This device's pending id sent back in a stream no page touched before: a conflict.
    await rejects(
      () => s.applyConfirmed([{ ...mine.events[0]!, streamId: 'z', version: 1, position: 4 }]),
      'CONFIRM_CONFLICT',
      'own pending id in another stream',
    );
    // The same with a rebase step, whose writes come after the page's (a store that finds the
    // id only when its write fails must still tell a conflict, not the abort that follows).
    await rejects(
      () =>
        s.applyConfirmed([{ ...mine.events[0]!, streamId: 'z', version: 1, position: 4 }], {
          rebase: [{ streamId: 'q', replaces: [], append: [], rejected: [] }],
        }),
      'CONFIRM_CONFLICT',
      'own pending id in another stream, with a rebase step',
    );
    equal(ids(await s.readPending()), ids(mine.events), 'pending unchanged');
  }),
  c(
    'a rebase step replaces displaced commands with new pending events and files rejected ones, in one step',
    async (s) => {
      const first = await pend(s, 't-1', [ev(1)], 'first');
      const second = await pend(s, 't-1', [ev(2)], 'second');
      await pend(s, 't-2', [ev(3)], 'other');
      const [e1, e2] = [first.events[0]!, second.events[0]!];
      const [o1, o2] = await s.readOutbox();
      const changes: unknown[] = [];
      const off = s.subscribeLocal((change) => changes.push(change));
      const theirs = foreign('t-1', 1, 1);
      await s.applyConfirmed([theirs], {
        sync: { cursor: 1, serverId: 'srv' },
        rebase: [
          {
            streamId: 't-1',
            replaces: [o1!.commandId, o2!.commandId],
            append: [
              {
                command: { ...o1!, baseVersion: 1 },
                events: [{ id: e1.id, type: 'Added', data: { n: 10 } }],
              },
            ],
            rejected: [
              { entry: o2!, error: { name: 'DomainError', code: 'NO', message: 'no' }, rejectedAt: 'now' },
            ],
          },
        ],
      });
      off();
      equal(
        (await s.readStream('t-1')).map((e) => [e.id, e.version, e.position ?? null, e.data]),
        [
          [theirs.id, 1, 1, theirs.data],
          [e1.id, 2, null, { n: 10 }],
        ],
        'the command decided again follows the confirmed event, with its id',
      );
      equal(await s.getEvent(e2.id), undefined, 'the rejected command has no event');
      equal(
        (await s.readOutbox()).map((o) => [o.command, o.eventIds, o.displaced ?? null]),
        [
          ['other', [ids(await s.readPending({ streamId: 't-2' }))[0]], null],
          ['first', [e1.id], null],
        ],
        'outbox',
      );
      equal(
        (await s.readRejected()).map((r) => [r.entry.commandId, r.error.code]),
        [[o2!.commandId, 'NO']],
        'rejected',
      );
      equal(await s.getMeta('sync'), { cursor: 1, serverId: 'srv' }, 'cursor');
      check(
        changes.some(
          (c) =>
            (c as { outbox: boolean; rejected: boolean }).outbox && (c as { rejected: boolean }).rejected,
        ),
        'local listeners told of outbox and rejected changes',
      );
      // A retry that fails again replaces its record; one that goes through leaves rejected.
      await s.rebase([
        {
          streamId: 't-1',
          replaces: [],
          append: [],
          rejected: [
            {
              entry: o2!,
              error: { name: 'DomainError', code: 'AGAIN', message: 'again' },
              rejectedAt: 'later',
            },
          ],
        },
      ]);
      equal(
        (await s.readRejected()).map((r) => r.error.code),
        ['AGAIN'],
        'replaced, not added',
      );
      await s.rebase([
        {
          streamId: 't-1',
          replaces: [],
          append: [{ command: o2!, events: [{ id: e2.id, type: 'Added', data: { n: 2 } }] }],
          rejected: [],
          unreject: [o2!.commandId],
        },
      ]);
      equal(await s.readRejected(), [], 'retried');
      equal((await s.getEvent(e2.id))?.version, 3, 'appended after the pending ones');
    },
  ),
  c('a displaced command whose events the server sends back is confirmed, not kept displaced', async (s) => {
    // Pushed to the new log before the reset was seen: the pull brings its events back.
    const mine = await pend(s, 'r-1', [ev(1)], 'mine');
    await s.resetConfirmed();
    const out = await s.applyConfirmed(positioned(mine.events, 1), { sync: { cursor: 1, serverId: 'new' } });
    equal([out.confirmed, out.displaced], [ids(mine.events), []], 'confirmed, nothing displaced');
    equal(await s.readOutbox(), [], 'the command left the outbox');
    equal((await s.getEvent(mine.events[0]!.id))?.position, 1, 'stored with its position');
  }),
  c('resetConfirmed forgets confirmed data and keeps every command, displaced', async (s) => {
    const theirs = foreign('t-1', 1, 1);
    await s.applyConfirmed([theirs], { sync: { cursor: 1, serverId: 'srv' } });
    await s.putCheckpoint({ name: 'totals', position: 1, state: {}, projectionVersion: 1 });
    const mine = await pend(s, 't-1', [ev(1)], 'mine');
    const dropped: string[] = [];
    const off = s.subscribeLocal((change) => dropped.push(...change.dropped));
    const entries = await s.resetConfirmed();
    off();
    equal(
      entries.map((o) => [o.command, o.displaced]),
      [['mine', 'reset']],
      'returned',
    );
    equal(
      (await s.readOutbox()).map((o) => [o.command, o.displaced]),
      [['mine', 'reset']],
      'stored',
    );
    equal([await s.readAll(), await s.readStream('t-1'), await s.head()], [[], [], 0], 'events gone');
    equal(
      [await s.getMeta('sync'), await s.getCheckpoint('totals')],
      [undefined, undefined],
      'cursor, checkpoints gone',
    );
    equal(await s.getEvent(mine.events[0]!.id), undefined, 'pending event gone');
    equal(dropped, ['t-1'], 'listeners told which streams lost pending events');
  }),
  c('bug 7: takePending tells local listeners which stream lost its pending events', async (s) => {
    await pend(s, 't-1', [ev(1)]);
    const changes: { outbox: boolean; dropped: readonly string[] }[] = [];
    const off = s.subscribeLocal((change) => changes.push(change));
    await s.takePending('t-1');
    off();
    equal(changes, [{ outbox: true, rejected: false, dropped: ['t-1'] }], 'told');
  }),
  c('a local change names the command appended and the events a page only confirmed', async (s) => {
    const changes: LocalChange[] = [];
    const off = s.subscribeLocal((change) => changes.push(change));
    const first = await pend(s, 't-1', [ev(1), ev(2)], 'first');
    const [entry] = await s.readOutbox();
    equal(
      changes.map((c) => [c.outbox, c.appended?.entry, ids(c.appended?.events ?? []), c.confirmed ?? null]),
      [[true, entry, ids(first.events), null]],
      'appendPending: the entry and its events as stored',
    );
    equal(changes[0]?.appended?.events, first.events, 'the events as appendPending returned them');
    await pend(s, 't-1', [ev(3)], 'second');
    changes.length = 0;
    await s.applyConfirmed(positioned(first.events, 1), { sync: { cursor: 2, serverId: 'srv' } });
    equal(
      changes.map((c) => [c.outbox, c.appended ?? null, c.confirmed ?? null]),
      [[true, null, ids(first.events)]],
      'a page that only confirmed: the events it confirmed',
    );
    changes.length = 0;
    await s.applyConfirmed([foreign('t-1', 3, 3)], { sync: { cursor: 3, serverId: 'srv' } });
    off();
    equal(
      changes.map((c) => [c.outbox, c.appended ?? null, c.confirmed ?? null]),
      [[true, null, null]],
      'a page that displaced: neither',
    );
  }),
  c('applyConfirmed stores foreign events in position order and skips known ones', async (s) => {
    const a = foreign('x', 1, 1);
    const b = foreign('y', 1, 2);
    const c2 = foreign('x', 2, 3);
    const out = await s.applyConfirmed([c2, a, b]);
    equal([ids(out.added), out.displaced], [ids([a, b, c2]), []], 'added in position order');
    equal(
      (await s.readAll()).map((e) => e.position),
      [1, 2, 3],
      'log',
    );
    equal(await s.head(), 3, 'head');
    const again = await s.applyConfirmed([a, b, c2]);
    equal(again, { confirmed: [], added: [], displaced: [] }, 'a repeat changes nothing');
    equal((await s.readAll()).length, 3, 'stored once');
    const mine = await pend(s, 'x', [ev(9)]);
    equal(mine.fromVersion, 3, 'pending continues after confirmed versions');
  }),
  c("takePending drops a stream's pending events and returns its commands in order", async (s) => {
    await s.applyConfirmed([foreign('t-1', 1, 1)]);
    await pend(s, 't-1', [ev(1)], 'first');
    await pend(s, 't-2', [ev(2)], 'other');
    await pend(s, 't-1', [ev(3), ev(4)], 'second');
    const taken = await s.takePending('t-1');
    equal(
      taken.map((o) => o.command),
      ['first', 'second'],
      'taken in order',
    );
    equal(
      (await s.readStream('t-1')).map((e) => e.position),
      [1],
      'confirmed kept',
    );
    equal(await s.streamVersion('t-1'), 1, 'version back to confirmed');
    equal(
      (await s.readOutbox()).map((o) => o.command),
      ['other'],
      'other stream kept',
    );
    equal(await s.takePending('t-1'), [], 'nothing left to take');
  }),
  c('rejected commands are kept until cleared', async (s) => {
    const rejected = (name: string): RejectedCommand => ({
      entry: command('t-1', name),
      error: { name: 'DomainError', code: 'SOLD_OUT', message: 'sold out', details: { data: { left: 0 } } },
      rejectedAt: '2026-01-01T00:00:01.000Z',
    });
    const [r1, r2, r3] = [rejected('a'), rejected('b'), rejected('c')];
    await s.addRejected([r1, r2]);
    await s.addRejected([r3]);
    equal(await s.readRejected(), [r1, r2, r3], 'in order, whole');
    await s.clearRejected([r2.entry.commandId]);
    equal(
      (await s.readRejected()).map((r) => r.entry.command),
      ['a', 'c'],
      'cleared by id',
    );
    await s.clearRejected();
    equal(await s.readRejected(), [], 'cleared all');
  }),
  c('projection checkpoints are stored by name', async (s) => {
    equal(await s.getCheckpoint('totals'), undefined, 'none yet');
    await s.putCheckpoint({ name: 'totals', position: 3, state: { n: 3 }, projectionVersion: 1 });
    await s.putCheckpoint({ name: 'other', position: 1, state: [], projectionVersion: 2 });
    await s.putCheckpoint({ name: 'totals', position: 7, state: { n: 7 }, projectionVersion: 1 });
    equal(
      await s.getCheckpoint('totals'),
      { name: 'totals', position: 7, state: { n: 7 }, projectionVersion: 1 },
      'latest',
    );
    equal((await s.getCheckpoint('other'))?.projectionVersion, 2, 'independent');
  }),
  c('getEvent finds confirmed and pending events by id, and forgets dropped ones', async (s) => {
    const confirmed = await s.appendToStream('c-1', [ev(1)]);
    const pending = await pend(s, 'p-1', [ev(2)]);
    const [c1] = confirmed.events;
    const [p1] = pending.events;
    equal(await s.getEvent(c1!.id), c1, 'confirmed, with its position');
    equal(await s.getEvent(p1!.id), p1, 'pending');
    equal(await s.getEvent(uuidv7()), undefined, 'unknown id');
    await s.takePending('p-1');
    equal(await s.getEvent(p1!.id), undefined, 'dropped pending event');
  }),
  c('process-manager checkpoints are stored by name, apart from projection checkpoints', async (s) => {
    equal(await s.getProcessCheckpoint('shipping'), undefined, 'none yet');
    await s.putCheckpoint({ name: 'shipping', position: 9, state: { n: 9 }, projectionVersion: 1 });
    await s.putProcessCheckpoint({ name: 'shipping', position: 3, handled: ['a', 'b'] });
    await s.putProcessCheckpoint({ name: 'billing', position: 1, handled: [] });
    await s.putProcessCheckpoint({ name: 'shipping', position: 4, handled: ['b'] });
    equal(
      await s.getProcessCheckpoint('shipping'),
      { name: 'shipping', position: 4, handled: ['b'] },
      'latest',
    );
    equal((await s.getProcessCheckpoint('billing'))?.position, 1, 'independent');
    equal((await s.getCheckpoint('shipping'))?.position, 9, 'the projection of the same name untouched');
  }),
  c('dead letters are replaced by id, read by time then id, and deleted', async (s) => {
    equal(await s.readDeadLetters(), [], 'none yet');
    const [a, b, c2] = [uuidv7(), uuidv7(), uuidv7()];
    await s.putDeadLetter(letter(b, '2026-01-01T00:00:02.000Z'));
    await s.putDeadLetter(letter(c2, '2026-01-01T00:00:01.000Z', false));
    await s.putDeadLetter(letter(a, '2026-01-01T00:00:02.000Z'));
    equal(
      await s.readDeadLetters(),
      [
        letter(c2, '2026-01-01T00:00:01.000Z', false),
        letter(a, '2026-01-01T00:00:02.000Z'),
        letter(b, '2026-01-01T00:00:02.000Z'),
      ],
      'whole, with error code and details, in order',
    );
    const again = {
      ...letter(c2, '2026-01-01T00:00:03.000Z', false),
      error: { name: 'Error', code: 'INTERNAL', message: 'x' },
    };
    await s.putDeadLetter(again);
    equal(
      (await s.readDeadLetters()).map((l) => [l.id, l.error.code]),
      [
        [a, 'OUT_OF_STOCK'],
        [b, 'OUT_OF_STOCK'],
        [c2, 'INTERNAL'],
      ],
      'replaced, not added',
    );
    await s.deleteDeadLetters([a, uuidv7()]);
    equal(
      (await s.readDeadLetters()).map((l) => l.id),
      [b, c2],
      'deleted by id',
    );
    await s.deleteDeadLetters();
    equal(await s.readDeadLetters(), [], 'deleted all');
  }),
  c('meta keeps small JSON values by key', async (s) => {
    equal(await s.getMeta('cursor'), undefined, 'unset');
    await s.setMeta('cursor', 42);
    await s.setMeta('serverId', 'srv-1');
    await s.setMeta('flags', { a: [1, true, null] });
    await s.setMeta('cursor', 43);
    equal(
      [await s.getMeta('cursor'), await s.getMeta('serverId'), await s.getMeta('flags')],
      [43, 'srv-1', { a: [1, true, null] }],
      'values',
    );
  }),
  c('snapshots are stored, replaced and deleted by key', async (s) => {
    const snap = (version: number): Snapshot => ({
      key: 'todo@1:t-1',
      streamId: 't-1',
      aggregateType: 'todo',
      snapshotVersion: 1,
      version,
      state: { items: ['a'] },
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    equal(await s.getSnapshot('todo@1:t-1'), undefined, 'none yet');
    await s.putSnapshot(snap(5));
    await s.putSnapshot(snap(9));
    equal(await s.getSnapshot('todo@1:t-1'), snap(9), 'replaced');
    await s.deleteSnapshot('todo@1:t-1');
    equal(await s.getSnapshot('todo@1:t-1'), undefined, 'deleted');
  }),
  c('stored values are copies of what was given', async (s) => {
    const cmd = command('t-1');
    await s.appendPending('t-1', [ev(1)], { command: cmd });
    (cmd.payload as { title: string }).title = 'changed';
    const state = { n: 1 };
    await s.putCheckpoint({ name: 'p', position: 0, state, projectionVersion: 1 });
    state.n = 2;
    equal((await s.readOutbox())[0]?.payload, { title: 'add' }, 'outbox entry');
    equal((await s.getCheckpoint('p'))?.state, { n: 1 }, 'checkpoint');
    const handled = ['x'];
    await s.putProcessCheckpoint({ name: 'pm', position: 0, handled });
    handled.push('y');
    equal((await s.getProcessCheckpoint('pm'))?.handled, ['x'], 'process checkpoint');
    const dead = letter(uuidv7(), '2026-01-01T00:00:00.000Z');
    await s.putDeadLetter(dead);
    dead.error.code = 'CHANGED';
    equal((await s.readDeadLetters())[0]?.error.code, 'OUT_OF_STOCK', 'dead letter');
  }),
  c('a closed local store refuses further calls', async (s) => {
    await s.close();
    await rejects(() => s.readOutbox(), 'CLOSED', 'readOutbox');
    await rejects(() => s.appendPending('t', [ev(1)], { command: command('t') }), 'CLOSED', 'appendPending');
    await rejects(() => s.getMeta('k'), 'CLOSED', 'getMeta');
    await rejects(() => s.readDeadLetters(), 'CLOSED', 'readDeadLetters');
    await rejects(() => s.getProcessCheckpoint('pm'), 'CLOSED', 'getProcessCheckpoint');
  }),
];
