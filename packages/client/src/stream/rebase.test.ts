import { ClosedError, DomainError, defineAggregate, type Envelope, type OutboxEntry } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { processEventId } from '../process/process-ids.js';
import { Counter, Log } from '../test-fixtures.js';
import { type PendingCommand, rebase } from './rebase.js';

const NOW = '2026-01-02T00:00:00.000Z';
let seq = 0;
const cmdId = () => `0190a000-0000-7000-8000-${String(++seq).padStart(12, '0')}`;

/** A pending command of stream `s` decided at `version`, with its events as the store holds them. */
function pending(
  command: string,
  payload: OutboxEntry['payload'],
  events: { type: string; data: Record<string, number | string> }[],
  version: number,
  streamId = 's',
  metadata: OutboxEntry['metadata'] = {},
): PendingCommand {
  const commandId = cmdId();
  const envelopes: Envelope[] = events.map((e, i) => ({
    id: processEventId(commandId, i),
    streamId,
    version: version + 1 + i,
    type: e.type,
    schemaVersion: 1,
    data: e.data,
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'me', commandId },
  }));
  return {
    entry: {
      commandId,
      aggregateType: 'counter',
      streamId,
      command,
      payload,
      baseVersion: version,
      eventIds: envelopes.map((e) => e.id),
      timestamp: '2026-01-01T00:00:00.000Z',
      metadata,
    },
    events: envelopes,
  };
}

const foreign = (version: number, type: string, by: number, streamId = 's'): Envelope => ({
  id: `0190b000-0000-7000-8000-${String(version).padStart(12, '0')}`,
  streamId,
  version,
  type,
  schemaVersion: 1,
  data: { by },
  meta: { timestamp: '2026-01-01T00:00:05.000Z', clientId: 'other' },
});

const base = { aggregate: Counter, streamId: 's', clientId: 'me', now: NOW };
const confirmed0 = { state: { count: 0 }, version: 0 };

describe('rebase (pure)', () => {
  it('own events confirmed alone: no replay, the rest stays pending as it is', async () => {
    const a = pending('increment', { by: 2 }, [{ type: 'Incremented', data: { by: 2 } }], 0);
    const b = pending('increment', { by: 3 }, [{ type: 'Incremented', data: { by: 3 } }], 1);
    const r = await rebase({ ...base, confirmed: confirmed0, pending: [a, b], incoming: a.events });
    expect(r.step).toBeNull();
    expect(r.confirmedCommands).toEqual([a.entry.commandId]);
    expect(r.confirmed).toEqual({ state: { count: 2 }, version: 1 });
    expect([r.state, r.version]).toEqual([{ count: 5 }, 2]);
  });

  it('own events confirmed in a mixed batch: the own command is not replayed, the ones after it are', async () => {
    const a = pending('increment', { by: 2 }, [{ type: 'Incremented', data: { by: 2 } }], 0);
    const b = pending('increment', { by: 3 }, [{ type: 'Incremented', data: { by: 3 } }], 1);
    const theirs = foreign(2, 'Incremented', 10);
    const r = await rebase({
      ...base,
      confirmed: confirmed0,
      pending: [a, b],
      incoming: [...a.events, theirs],
    });
    expect(r.confirmedCommands).toEqual([a.entry.commandId]);
    expect(r.step?.replaces).toEqual([b.entry.commandId]);
    expect(
      r.step?.append.map((x) => [x.command.commandId, x.command.baseVersion, x.events.map((e) => e.id)]),
    ).toEqual([[b.entry.commandId, 2, b.entry.eventIds]]);
    expect([r.state, r.version]).toEqual([{ count: 15 }, 3]);
  });

  it('a foreign event: every pending command is decided again, in order, with the same event ids', async () => {
    const a = pending('increment', { by: 1 }, [{ type: 'Incremented', data: { by: 1 } }], 0);
    const b = pending(
      'incrementMany',
      { times: 2 },
      [
        { type: 'Incremented', data: { by: 1 } },
        { type: 'Incremented', data: { by: 1 } },
      ],
      1,
    );
    const r = await rebase({
      ...base,
      confirmed: confirmed0,
      pending: [a, b],
      incoming: [foreign(1, 'Incremented', 5)],
    });
    expect(r.confirmedCommands).toEqual([]);
    expect(r.step?.replaces).toEqual([a.entry.commandId, b.entry.commandId]);
    expect(r.step?.append.map((x) => x.events.map((e) => e.id))).toEqual([
      a.entry.eventIds,
      b.entry.eventIds,
    ]);
    expect(r.step?.append.map((x) => x.command.baseVersion)).toEqual([1, 2]);
    expect(r.step?.rejected).toEqual([]);
    expect([r.confirmed.version, r.state, r.version]).toEqual([1, { count: 8 }, 4]);
  });

  it('a command that now fails is rejected with its error; the ones after it still run', async () => {
    const confirmed = { state: { count: 3 }, version: 1 };
    const a = pending('decrement', { by: 3 }, [{ type: 'Decremented', data: { by: 3 } }], 1);
    const b = pending('increment', { by: 1 }, [{ type: 'Incremented', data: { by: 1 } }], 2);
    const r = await rebase({ ...base, confirmed, pending: [a, b], incoming: [foreign(2, 'Decremented', 2)] });
    expect(r.step?.rejected).toEqual([
      {
        entry: { ...a.entry, baseVersion: 2 },
        error: {
          name: 'DomainError',
          code: 'INSUFFICIENT',
          message: 'not enough',
          details: { data: { count: 1 } },
        },
        rejectedAt: NOW,
      },
    ]);
    expect(r.step?.append.map((x) => [x.command.commandId, x.command.baseVersion])).toEqual([
      [b.entry.commandId, 2],
    ]);
    expect([r.state, r.version]).toEqual([{ count: 2 }, 3]);
  });

  it('a command that now decides nothing leaves the outbox, neither pending nor rejected', async () => {
    const confirmed = { state: { count: 2 }, version: 1 };
    const a = pending('reset', null, [{ type: 'Decremented', data: { by: 2 } }], 1);
    const r = await rebase({ ...base, confirmed, pending: [a], incoming: [foreign(2, 'Decremented', 2)] });
    expect(r.step).toEqual({ streamId: 's', replaces: [a.entry.commandId], append: [], rejected: [] });
    expect([r.state, r.version]).toEqual([{ count: 0 }, 2]);
  });

  it('a page that ends inside a command: the next page with a foreign event does not decide it again', async () => {
    const a = pending(
      'incrementMany',
      { times: 2 },
      [
        { type: 'Incremented', data: { by: 1 } },
        { type: 'Incremented', data: { by: 1 } },
      ],
      0,
    );
    const b = pending('increment', { by: 3 }, [{ type: 'Incremented', data: { by: 3 } }], 2);
    // Page 1 held A's first event (confirmed since); page 2 holds its second, then another device's.
    const [a1, a2] = a.events;
    const confirmed = { state: { count: 1 }, version: 1 };
    const r = await rebase({
      ...base,
      confirmed,
      pending: [{ entry: a.entry, events: [a2!] }, b],
      incoming: [a2!, foreign(3, 'Incremented', 10)],
    });
    expect(a1).toBeDefined();
    expect(r.confirmedCommands).toEqual([a.entry.commandId]);
    expect(r.step?.replaces).toEqual([b.entry.commandId]);
    expect(r.step?.append.map((x) => x.command.baseVersion)).toEqual([3]);
    expect([r.state, r.version]).toEqual([{ count: 15 }, 4]);
  });

  it('a command the server refused is rejected with its error and the rest is decided again without it', async () => {
    const a = pending('increment', { by: 1 }, [{ type: 'Incremented', data: { by: 1 } }], 0);
    const b = pending('decrement', { by: 1 }, [{ type: 'Decremented', data: { by: 1 } }], 1);
    const refusal = { name: 'ProtocolError', code: 'PAYLOAD_TOO_LARGE', message: 'too big' };
    const r = await rebase({
      ...base,
      confirmed: confirmed0,
      pending: [a, b],
      incoming: [],
      refused: new Map([[a.entry.commandId, refusal]]),
    });
    // Without the increment the decrement no longer fits either.
    expect(r.step?.rejected.map((x) => [x.entry.commandId, x.error.code])).toEqual([
      [a.entry.commandId, 'PAYLOAD_TOO_LARGE'],
      [b.entry.commandId, 'INSUFFICIENT'],
    ]);
    expect(r.step?.append).toEqual([]);
  });

  it('displaced commands (a resumed rebase, a reset) are decided again with no new events', async () => {
    const a = pending('increment', { by: 4 }, [], 0);
    const r = await rebase({
      ...base,
      confirmed: confirmed0,
      pending: [{ entry: { ...a.entry, displaced: 'reset' }, events: [] }],
      incoming: [],
    });
    expect(r.step?.append.map((x) => [x.command.displaced, x.events.length])).toEqual([[undefined, 1]]);
    expect(r.state).toEqual({ count: 4 });
  });

  it('a replay decides on the original now, commandId and metadata', async () => {
    const entry: OutboxEntry = {
      ...pending('write', { line: 'hi' }, [], 0).entry,
      aggregateType: 'log',
      metadata: { correlationId: 'corr-1', by: 'me' },
    };
    const r = await rebase({
      ...base,
      aggregate: Log,
      confirmed: { state: Log.initialState, version: 0 },
      pending: [{ entry, events: [] }],
      incoming: [{ ...foreign(1, 'Logged', 0), data: { line: 'theirs', at: 'x', commandId: 'y' } }],
    });
    const [event] = r.step!.append[0]!.events;
    expect(event?.data).toEqual({ line: 'hi', at: entry.timestamp, commandId: entry.commandId });
    expect(event?.meta).toMatchObject({
      timestamp: entry.timestamp,
      commandId: entry.commandId,
      correlationId: 'corr-1',
      causationId: entry.commandId,
      by: 'me',
    });
  });

  it('a storage or closing error is thrown, never filed as a rejection', async () => {
    const Fragile = defineAggregate({
      type: 'counter',
      initialState: { count: 0 },
      events: {
        Incremented: (s, e: { by: number }) => {
          s.count += e.by;
        },
      },
      commands: {
        increment: () => {
          throw new ClosedError('the store is closed');
        },
        refuse: () => {
          throw new DomainError('no', { code: 'NO' });
        },
      },
    });
    const a = pending('increment', { by: 1 }, [], 0);
    const input = {
      ...base,
      aggregate: Fragile,
      confirmed: confirmed0,
      incoming: [foreign(1, 'Incremented', 1)],
    };
    await expect(rebase({ ...input, pending: [{ entry: a.entry, events: [] }] })).rejects.toMatchObject({
      code: 'CLOSED',
    });
    const b = pending('refuse', null, [], 0);
    const r = await rebase({ ...input, pending: [{ entry: b.entry, events: [] }] });
    expect(r.step?.rejected.map((x) => x.error.code)).toEqual(['NO']);
  });

  it('events a sync server would refuse are rejected as a validation error', async () => {
    const Deep = defineAggregate({
      type: 'counter',
      initialState: { count: 0 },
      events: { Nested: () => undefined },
      commands: {
        nest: () => {
          let data: Record<string, unknown> = {};
          for (let i = 0; i < 70; i++) data = { d: data };
          return { type: 'Nested', data: data as Record<string, never> };
        },
      },
    });
    const a = pending('nest', null, [], 0);
    const r = await rebase({
      ...base,
      aggregate: Deep,
      confirmed: confirmed0,
      pending: [{ entry: { ...a.entry, displaced: 'rebase' }, events: [] }],
      incoming: [],
    });
    expect(r.step?.rejected.map((x) => x.error.code)).toEqual(['VALIDATION_ERROR']);
  });
});
