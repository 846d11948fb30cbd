import { DomainError, defineAggregate, defineProjection } from '@tidelog/core';
import { defineProcessManager, dispatch } from './process/process-manager.js';

/** A counter that refuses to go below zero. */
export const Counter = defineAggregate({
  type: 'counter',
  initialState: { count: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.count += e.by;
    },
    Decremented: (s, e: { by: number }) => {
      s.count -= e.by;
    },
  },
  commands: {
    increment: (_s, p: { by: number }) => ({ type: 'Incremented', data: { by: p.by } }),
    decrement: (s, p: { by: number }) => {
      if (s.count < p.by)
        throw new DomainError('not enough', { code: 'INSUFFICIENT', data: { count: s.count } });
      return { type: 'Decremented', data: { by: p.by } };
    },
    incrementMany: (_s, p: { times: number }) =>
      Array.from({ length: p.times }, () => ({ type: 'Incremented' as const, data: { by: 1 } })),
    reset: (s) => (s.count === 0 ? [] : [{ type: 'Decremented' as const, data: { by: s.count } }]),
  },
});

/** A stream that records what it was asked and when, for replay tests. */
export const Log = defineAggregate({
  type: 'log',
  initialState: { lines: [] as string[] },
  events: {
    Logged: (s, e: { line: string; at: string; commandId: string }) => {
      s.lines.push(e.line);
    },
  },
  commands: {
    write: (_s, p: { line: string }, ctx) => ({
      type: 'Logged',
      data: { line: p.line, at: ctx.now, commandId: ctx.commandId },
    }),
  },
});

/** The sum of all counters. */
export const Totals = defineProjection({
  name: 'totals',
  initialState: { total: 0, events: 0 },
  events: {
    Incremented: (s, e: { by: number }) => {
      s.total += e.by;
      s.events++;
    },
    Decremented: (s, e: { by: number }) => {
      s.total -= e.by;
      s.events++;
    },
  },
});

/** Every increment of `counter:*` is mirrored into `mirror-<id>`. */
export const Mirror = defineProcessManager({
  name: 'mirror',
  events: {
    Incremented: (e) =>
      e.streamId.startsWith('mirror-')
        ? []
        : dispatch(Counter, `mirror-${e.streamId}`, 'increment', { by: Number(e.data.by) }),
  },
});

/** Feeds itself: every `Logged` event writes another line to the same stream. A loop. */
export const Echo = defineProcessManager({
  name: 'echo',
  maxDepth: 5,
  events: { Logged: (e) => dispatch(Log, e.streamId, 'write', { line: `echo of ${String(e.data.line)}` }) },
});

/** Tries to decrement a stream that is empty: always fails. */
export const Drain = defineProcessManager({
  name: 'drain',
  events: {
    Incremented: (e) =>
      e.streamId === 'source' ? dispatch(Counter, 'empty', 'decrement', { by: 1 }) : undefined,
  },
});

/** Every increment of a counter is written, in order, to one log: the order is visible. */
export const Journal = defineProcessManager({
  name: 'journal',
  events: {
    Incremented: (e) =>
      dispatch(Log, 'journal', 'write', { line: `${e.streamId}@${e.version}+${String(e.data.by)}` }),
  },
});

/** An order takes one item from stock: run twice, the second run would fail (stock is 0). */
export const Reserve = defineProcessManager({
  name: 'reserve',
  events: {
    Incremented: (e) =>
      e.streamId.startsWith('order-') ? dispatch(Counter, 'stock', 'decrement', { by: 1 }) : [],
  },
});
