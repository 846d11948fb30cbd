import { derivedUuid, isUuid, uuidv7 } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { dispatchCommandId, handlerLetterId, processEventId } from './process-ids.js';

describe('derived ids', () => {
  const eventId = '0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b';

  it('are lowercase v7-shaped UUIDs carrying the time of the id they derive from', () => {
    const id = dispatchCommandId('shipping', eventId, 0);
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^0190f5b8-8d5a-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(processEventId(id, 3).slice(0, 13)).toBe('0190f5b8-8d5a');
  });

  it('are the same for the same inputs and differ when any input differs', () => {
    expect(dispatchCommandId('shipping', eventId, 1)).toBe(dispatchCommandId('shipping', eventId, 1));
    const all = [
      dispatchCommandId('shipping', eventId, 0),
      dispatchCommandId('shipping', eventId, 1),
      dispatchCommandId('billing', eventId, 0),
      handlerLetterId('shipping', eventId),
      processEventId(eventId, 0),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('stay what earlier releases derived (stored events and process records hold them)', () => {
    expect(processEventId(eventId, 0)).toBe('0190f5b8-8d5a-7a33-85c8-1769704796c7');
    expect(processEventId(eventId, 7)).toBe('0190f5b8-8d5a-7dba-a310-b7490ea2491d');
    expect(dispatchCommandId('shipping', eventId.toUpperCase(), 2)).toBe(
      '0190f5b8-8d5a-785a-b1f2-31942d31c58d',
    );
    const other = '019a0000-0000-7000-8000-000000000000';
    expect(handlerLetterId('shipping', other)).toBe('019a0000-0000-7d19-9a71-208073028ee0');
    expect(derivedUuid(other, 'key with ünïcode \u{1F600}')).toBe('019a0000-0000-7dbf-adb7-d4314714f1e7');
  });

  it('do not collide over many keys (nor do neighbouring keys share their random part)', () => {
    const ids = new Set<string>();
    const tails = new Set<string>();
    const base = uuidv7();
    for (let i = 0; i < 50_000; i++) {
      const id = derivedUuid(base, `key-${i}`);
      ids.add(id);
      tails.add(id.slice(-12));
    }
    expect(ids.size).toBe(50_000);
    expect(tails.size).toBe(50_000);
  });
});
