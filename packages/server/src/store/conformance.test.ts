import type { PositionedEnvelope } from '@tidelog/core';
import { describe, expect, it } from 'vitest';
import { checkOpen, checkPullOptions, checkStreamOptions } from './checks.js';
import { runConformanceCase, serverStoreConformanceCases } from './conformance/index.js';
import { eventSize, PageBudget } from './page-budget.js';
import { planPush, type StoredEventRef } from './plan-push.js';
import type { ServerEventStore } from './types.js';
import { Watchers } from './watchers.js';

type Defect = 'skips-version-check' | 'leaves-gap' | 'forgets-ids' | 'yields-mid-push' | 'never-wakes';

/** The first events that fit in a page of `limit` events and `maxBytes`. */
function fill(events: PositionedEnvelope[], limit: number, maxBytes?: number): PositionedEnvelope[] {
  const budget = new PageBudget(maxBytes);
  const size = (e: PositionedEnvelope) =>
    eventSize(JSON.stringify(e.data).length + JSON.stringify(e.meta).length, e.id, e.streamId, e.type);
  const page: PositionedEnvelope[] = [];
  for (const e of events) {
    if (page.length >= limit || !budget.take(size(e))) break;
    page.push(e);
  }
  return page;
}

/** A test double: a one-space-per-map store with one deliberate defect. */
function defectiveStore(defect: Defect): ServerEventStore {
  const spaces = new Map<string, PositionedEnvelope[]>();
  const watchers = new Watchers();
  const serverId = crypto.randomUUID();
  let closed = false;
  const log = (space: string) => spaces.get(space) ?? spaces.set(space, []).get(space)!;
  return {
    async serverId() {
      checkOpen(closed, 'store');
      return serverId;
    },
    async push(space, events) {
      checkOpen(closed, 'store');
      const all = log(space);
      const versions = new Map<string, number>();
      const known = new Map<string, StoredEventRef>();
      for (const e of events) {
        const stream = all.filter((x) => x.streamId === e.streamId);
        const firstOfPush = events.find((x) => x.streamId === e.streamId)!.version;
        versions.set(e.streamId, defect === 'skips-version-check' ? firstOfPush - 1 : stream.length);
        const stored = all.find((x) => x.id === e.id);
        if (stored && defect !== 'forgets-ids') known.set(e.id, stored);
      }
      const head = all.length > 0 ? all[all.length - 1]!.position : 0;
      const plan = planPush({ events, head: defect === 'leaves-gap' ? head + 1 : head, versions, known });
      if (defect === 'yields-mid-push') await new Promise((resolve) => setImmediate(resolve));
      all.push(...plan.append);
      if (defect !== 'never-wakes' && plan.append.length > 0) watchers.notify(space, plan.outcome.head);
      return plan.outcome;
    },
    async pull(space, options) {
      checkOpen(closed, 'store');
      checkPullOptions(options);
      const all = log(space);
      const head = all.length > 0 ? all[all.length - 1]!.position : 0;
      const events = fill(
        all.filter((e) => e.position > options.after),
        options.limit,
        options.maxBytes,
      );
      const last = events.at(-1)?.position ?? options.after;
      return { events, head, hasMore: last < head };
    },
    async readStream(space, streamId, options = {}) {
      checkOpen(closed, 'store');
      const { from, limit, maxBytes } = checkStreamOptions(options);
      const stream = log(space).filter((e) => e.streamId === streamId);
      const events = fill(
        stream.filter((e) => e.version >= from),
        limit,
        maxBytes,
      );
      const last = events.at(-1)?.version ?? from - 1;
      return { events, version: stream.length, hasMore: last < stream.length };
    },
    async head(space) {
      checkOpen(closed, 'store');
      return log(space).at(-1)?.position ?? 0;
    },
    watch(space, listener) {
      checkOpen(closed, 'store');
      return watchers.add(space, listener);
    },
    async close() {
      closed = true;
    },
  };
}

/** Names of the conformance cases a store fails. */
async function failures(newStore: () => ServerEventStore): Promise<string[]> {
  const failed: string[] = [];
  for (const testCase of serverStoreConformanceCases) {
    const outcome = await Promise.race([
      runConformanceCase(testCase, { newStore }).then(
        () => 'passed' as const,
        () => 'failed' as const,
      ),
      // Bound a case that hangs (a store that never wakes a listener would wait forever).
      new Promise<'failed'>((resolve) => setTimeout(() => resolve('failed'), 1_000).unref()),
    ]);
    if (outcome === 'failed') failed.push(testCase.name);
  }
  return failed;
}

describe('the conformance suite catches broken stores', () => {
  it.each([
    ['skips-version-check', /rejects a whole group|24 concurrent pushes of version 1/],
    ['leaves-gap', /gives it positions 1, 2, 3|gapless/],
    ['forgets-ids', /duplicate/],
    ['yields-mid-push', /concurrent/],
    ['never-wakes', /watch wakes every listener/],
  ] as const)('a store that %s fails it', async (defect, expected) => {
    const failed = await failures(() => defectiveStore(defect));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((name) => expected.test(name))).toBe(true);
  });

  it('the same double without a defect passes every case', async () => {
    expect(await failures(() => defectiveStore('none' as Defect))).toEqual([]);
  });
});
