import type { Envelope, OutboxEntry } from '@tidelog/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processEventId } from '../process/process-ids.js';
import { Counter } from '../test-fixtures.js';
import { type PendingCommand, rebase } from './rebase.js';

type Op = { command: 'increment' | 'decrement'; by: number };

const op = fc.record({
  command: fc.constantFrom<'increment' | 'decrement'>('increment', 'decrement'),
  by: fc.integer({ min: 0, max: 5 }),
});

/** Commands decided one after another on `count` from version `from`, as the device made them. */
function decideLocally(ops: readonly Op[], count: number, from: number): PendingCommand[] {
  const out: PendingCommand[] = [];
  let version = from;
  ops.forEach((o, i) => {
    if (o.command === 'decrement' && count < o.by) return; // refused at execute: never pending
    count += o.command === 'increment' ? o.by : -o.by;
    const commandId = `0190e000-0000-7000-8000-${String(i + 1).padStart(12, '0')}`;
    const id = processEventId(commandId, 0);
    const type = o.command === 'increment' ? 'Incremented' : 'Decremented';
    const event: Envelope = {
      id,
      streamId: 's',
      version: ++version,
      type,
      schemaVersion: 1,
      data: { by: o.by },
      meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'me', commandId },
    };
    const entry: OutboxEntry = {
      commandId,
      aggregateType: 'counter',
      streamId: 's',
      command: o.command,
      payload: { by: o.by },
      baseVersion: version - 1,
      eventIds: [id],
      timestamp: '2026-01-01T00:00:00.000Z',
      metadata: {},
    };
    out.push({ entry, events: [event] });
  });
  return out;
}

const theirs = (version: number, by: number): Envelope => ({
  id: `0190f000-0000-7000-8000-${String(version).padStart(12, '0')}`,
  streamId: 's',
  version,
  type: 'Decremented',
  schemaVersion: 1,
  data: { by },
  meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'other' },
});

describe('rebase (property)', () => {
  it('each command ends exactly once: confirmed, decided again, or rejected; the rule holds; order is kept', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { maxLength: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
        async (ops, confirmedOwn, foreignBys) => {
          const start = { state: { count: 10 }, version: 1 };
          const pending = decideLocally(ops, 10, 1);
          const own = pending.slice(0, confirmedOwn).flatMap((p) => p.events);
          const foreign = foreignBys.map((by, i) => theirs(2 + own.length + i, by));
          const r = await rebase({
            aggregate: Counter,
            streamId: 's',
            clientId: 'me',
            confirmed: start,
            pending,
            incoming: [...own, ...foreign],
            now: '2026-01-02T00:00:00.000Z',
          });
          const ids = pending.map((p) => p.entry.commandId);
          const appended = r.step?.append.map((a) => a.command.commandId) ?? [];
          const rejected = r.step?.rejected.map((x) => x.entry.commandId) ?? [];
          const kept = r.step ? [] : ids.filter((id) => !r.confirmedCommands.includes(id));
          const decidedNothing = r.step
            ? r.step.replaces.filter((id) => !appended.includes(id) && !rejected.includes(id))
            : [];
          const all = [...r.confirmedCommands, ...appended, ...rejected, ...kept, ...decidedNothing];
          expect([...all].sort()).toEqual([...ids].sort());
          // No replay without a foreign event; own confirmed commands are never decided again.
          if (foreign.length === 0) expect(r.step).toBeNull();
          for (const id of r.confirmedCommands) expect(appended).not.toContain(id);
          // This device's commands never take the counter below zero (other devices may), and
          // the order of the commands is kept.
          const confirmedCount = (r.confirmed.state as { count: number }).count;
          expect((r.state as { count: number }).count).toBeGreaterThanOrEqual(Math.min(0, confirmedCount));
          expect(appended).toEqual(ids.filter((id) => appended.includes(id)));
          // A command decided again keeps its event ids.
          for (const a of r.step?.append ?? []) {
            expect(a.events.map((e) => e.id)).toEqual(a.command.eventIds);
            expect(a.command.eventIds).toEqual(
              pending.find((p) => p.entry.commandId === a.command.commandId)?.entry.eventIds,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
