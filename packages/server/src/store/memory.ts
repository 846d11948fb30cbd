import type { PositionedEnvelope } from '@tidelog/core';
import { checkOpen, checkPullOptions, checkStreamOptions } from './checks.js';
import { IdRanges } from './memory-id-ranges.js';
import { eventSize, PageBudget } from './page-budget.js';
import { planPush, type StoredEventRef } from './plan-push.js';
import type { PullPage, PushedEvent, PushOutcome, ServerEventStore } from './types.js';
import { Watchers } from './watchers.js';

interface SpaceLog {
  /** events[i] has position i + 1. */
  events: PositionedEnvelope[];
  /** The events before `indexed` by id; brought up to date only when a lookup needs it. */
  byId: Map<string, PositionedEnvelope>;
  indexed: number;
  streams: Map<string, PositionedEnvelope[]>;
  /** Ranges covering every stored id: an id outside them is not stored. */
  ids: IdRanges;
}

/**
 * The stored event with this id, if any. UUIDv7 ids grow with time, so most pushed ids
 * fall outside the ranges of stored ones and need no lookup at all; and the id map is
 * filled lazily, in one go, when an id that may be stored comes.
 */
function storedEvent(log: SpaceLog, id: string): PositionedEnvelope | undefined {
  if (!log.ids.mayHold(id)) return undefined;
  const { events, byId } = log;
  for (let i = log.indexed; i < events.length; i++) byId.set(events[i]!.id, events[i]!);
  log.indexed = events.length;
  return byId.get(id);
}

/** Each event's size for page budgets, measured once, when a page first holds it. */
const sizes = new WeakMap<PositionedEnvelope, number>();

function sizeOf(event: PositionedEnvelope): number {
  let size = sizes.get(event);
  if (size === undefined) {
    const json = JSON.stringify(event.data).length + JSON.stringify(event.meta).length;
    size = eventSize(json, event.id, event.streamId, event.type);
    sizes.set(event, size);
  }
  return size;
}

/** `events[from..to)`, cut short at the byte budget (always at least one event). */
function page(events: readonly PositionedEnvelope[], from: number, to: number, maxBytes?: number) {
  const budget = new PageBudget(maxBytes);
  let end = from;
  while (end < Math.min(to, events.length) && budget.take(sizeOf(events[end]!))) end++;
  return events.slice(from, end);
}

/** Options of `createMemoryServerStore`. */
export interface MemoryServerStoreOptions {
  /** Fix the serverId (default: a random UUID minted when the store is created). */
  serverId?: string;
}

/**
 * A server store held in memory: for tests and demos. Everything is lost when the process
 * ends, so each new store has a new `serverId` (clients then know not to trust their cursor).
 * Events are kept by reference, as pushed: do not mutate an event after pushing it or
 * after pulling it.
 *
 * @example
 * const store = createMemoryServerStore();
 * await store.push('team-1', [{ id, streamId: 'cart-1', version: 1, type: 'added', schemaVersion: 1, data: {}, meta }]);
 * (await store.pull('team-1', { after: 0, limit: 100 })).events[0].position; // 1
 */
export function createMemoryServerStore(options: MemoryServerStoreOptions = {}): ServerEventStore {
  const serverId = options.serverId ?? crypto.randomUUID();
  const spaces = new Map<string, SpaceLog>();
  const watchers = new Watchers();
  let closed = false;

  const log = (space: string): SpaceLog | undefined => spaces.get(space);

  return {
    async serverId() {
      checkOpen(closed, 'memory server store');
      return serverId;
    },

    async push(space: string, events: PushedEvent[]): Promise<PushOutcome> {
      checkOpen(closed, 'memory server store');
      const current = log(space);
      // Read from the space as planPush asks (once per stream): no map of them per push.
      const versions = { get: (streamId: string) => current?.streams.get(streamId)?.length ?? 0 };
      const known = new Map<string, StoredEventRef>();
      if (current) {
        // Each id at most once, and most need no lookup at all (see storedEvent).
        for (let i = 0; i < events.length; i++) {
          const stored = storedEvent(current, events[i]!.id);
          if (stored) known.set(events[i]!.id, stored);
        }
      }
      // Synchronous from planning to appending: no other push can interleave.
      const plan = planPush({ events, head: current?.events.length ?? 0, versions, known });
      if (plan.append.length > 0) {
        const target: SpaceLog = current ?? {
          events: [],
          byId: new Map(),
          indexed: 0,
          streams: new Map(),
          ids: new IdRanges(),
        };
        if (!current) spaces.set(space, target);
        // plan.append holds each accepted group in one run: find a stream's list once per run.
        let streamId: string | undefined;
        let stream: PositionedEnvelope[] = [];
        let minId: string | undefined;
        let maxId: string | undefined;
        for (const event of plan.append) {
          target.events.push(event);
          if (minId === undefined || event.id < minId) minId = event.id;
          if (maxId === undefined || event.id > maxId) maxId = event.id;
          if (event.streamId !== streamId) {
            streamId = event.streamId;
            const existing = target.streams.get(streamId);
            if (existing) stream = existing;
            else {
              stream = [];
              target.streams.set(streamId, stream);
            }
          }
          stream.push(event);
        }
        target.ids.add(minId!, maxId!);
        watchers.notify(space, plan.outcome.head);
      }
      return plan.outcome;
    },

    async pull(
      space: string,
      options: { after: number; limit: number; maxBytes?: number },
    ): Promise<PullPage> {
      checkOpen(closed, 'memory server store');
      checkPullOptions(options);
      const all = log(space)?.events ?? [];
      const events = page(all, options.after, options.after + options.limit, options.maxBytes);
      const last = events.length > 0 ? events[events.length - 1]!.position : options.after;
      return { events, head: all.length, hasMore: last < all.length };
    },

    async readStream(space, streamId, options = {}) {
      checkOpen(closed, 'memory server store');
      const { from, limit, maxBytes } = checkStreamOptions(options);
      const stream = log(space)?.streams.get(streamId) ?? [];
      const events = page(stream, from - 1, from - 1 + limit, maxBytes);
      const last = events.length > 0 ? events[events.length - 1]!.version : from - 1;
      return { events, version: stream.length, hasMore: last < stream.length };
    },

    async head(space: string) {
      checkOpen(closed, 'memory server store');
      return log(space)?.events.length ?? 0;
    },

    watch(space: string, listener: (head: number) => void) {
      checkOpen(closed, 'memory server store');
      return watchers.add(space, listener);
    },

    async close() {
      closed = true;
      watchers.clear();
    },
  };
}
