import type { Envelope, LocalChange, OutboxEntry } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { FreshOutbox, MAX_AGE_MS } from './fresh-outbox.js';

function appended(id: string): LocalChange {
  const event: Envelope = {
    id: `${id}-e`,
    streamId: 's-1',
    version: 1,
    type: 'T',
    schemaVersion: 1,
    data: {},
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'c' },
  };
  const entry = { commandId: id, streamId: 's-1', eventIds: [event.id] } as OutboxEntry;
  return { outbox: true, rejected: false, dropped: [], appended: { entry, events: [event] } };
}
const other: LocalChange = { outbox: true, rejected: false, dropped: [] };
let clock = 0;
const taken = (fresh: FreshOutbox) => fresh.take()?.map((item) => item.entry.commandId);

describe('FreshOutbox', () => {
  it('knows nothing until a round read the outbox and sent all of it', () => {
    const fresh = new FreshOutbox(() => clock);
    fresh.changed(appended('a'));
    expect(taken(fresh)).toBeUndefined();
    fresh.sentAll(fresh.mark(), clock);
    expect(taken(fresh)).toEqual([]);
  });

  it('holds the commands appended since, in order, each taken once', () => {
    const fresh = new FreshOutbox(() => clock);
    fresh.sentAll(fresh.mark(), clock);
    fresh.changed(appended('a'));
    fresh.changed(appended('b'));
    expect(taken(fresh)).toEqual(['a', 'b']);
    expect(taken(fresh)).toEqual([]);
  });

  it('stays unknown when the outbox changed while the round read it', () => {
    const fresh = new FreshOutbox(() => clock);
    const mark = fresh.mark();
    fresh.changed(appended('a')); // committed during the read: in it or not
    fresh.sentAll(mark, clock);
    expect(taken(fresh)).toBeUndefined();
  });

  it('forgets on any other change, or one whose content is unknown', () => {
    for (const change of [other, { ...other, dropped: ['s-1'] }, undefined]) {
      const fresh = new FreshOutbox(() => clock);
      fresh.sentAll(fresh.mark(), clock);
      fresh.changed(appended('a'));
      fresh.changed(change);
      expect(taken(fresh)).toBeUndefined();
    }
  });

  it('keeps what it holds when a page only confirmed commands sent before', () => {
    const fresh = new FreshOutbox(() => clock);
    fresh.sentAll(fresh.mark(), clock);
    fresh.changed(appended('a'));
    fresh.changed({ ...other, confirmed: ['sent-before-e'] });
    expect(taken(fresh)).toEqual(['a']);
  });

  it('forgets when a page confirms a command it holds as not sent (another writer sent it)', () => {
    const fresh = new FreshOutbox(() => clock);
    fresh.sentAll(fresh.mark(), clock);
    fresh.changed(appended('a'));
    fresh.changed({ ...other, confirmed: ['a-e'] });
    expect(taken(fresh)).toBeUndefined();
  });

  it('trusts what it knows for MAX_AGE_MS after the read (another tab may write to an in-page outbox)', () => {
    clock = 5000;
    const fresh = new FreshOutbox(() => clock);
    fresh.sentAll(fresh.mark(), clock);
    fresh.changed(appended('a'));
    clock += MAX_AGE_MS;
    expect(taken(fresh)).toEqual(['a']);
    fresh.changed(appended('b'));
    clock += 1;
    expect(taken(fresh)).toBeUndefined();
    fresh.sentAll(fresh.mark(), clock);
    expect(taken(fresh)).toEqual([]);
  });

  it('ignores a change to the rejected list alone, and forgets when told', () => {
    const fresh = new FreshOutbox(() => clock);
    fresh.sentAll(fresh.mark(), clock);
    fresh.changed({ outbox: false, rejected: true, dropped: [] });
    fresh.changed(appended('a'));
    expect(taken(fresh)).toEqual(['a']);
    fresh.changed(appended('b'));
    fresh.forget();
    expect(taken(fresh)).toBeUndefined();
  });
});
