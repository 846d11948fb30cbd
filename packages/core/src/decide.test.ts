import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CommandContext, defineAggregate } from './aggregate.js';
import { decide } from './decide.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import { Cart } from './test-fixtures.js';

const ctx: CommandContext = {
  streamId: 's',
  version: 0,
  now: '2026-01-01T00:00:00.000Z',
  commandId: 'c',
  clientId: 'x',
  metadata: {},
};

const withSchema = (schema: StandardSchemaV1) =>
  defineAggregate({
    type: 'user',
    initialState: { name: '' },
    events: {
      Named: (s, e: { name: string }) => {
        s.name = e.name;
      },
    },
    schemas: { Named: schema as StandardSchemaV1<unknown, { name: string }> },
    commands: { rename: (_s, p: { name: unknown }) => ({ type: 'Named', data: { name: p.name as string } }) },
  });

describe('decide', () => {
  it('returns the events with their schema version', async () => {
    const events = await decide(Cart, Cart.initialState, 'add', { sku: 'a', qty: 1 }, ctx);
    expect(events).toEqual([{ type: 'ItemAdded', data: { sku: 'a', qty: 1 }, schemaVersion: 1 }]);
  });

  it('passes domain errors through with their code', async () => {
    await expect(decide(Cart, Cart.initialState, 'checkout', undefined, ctx)).rejects.toMatchObject({
      name: 'DomainError',
      code: 'CART_EMPTY',
    });
  });

  it('rejects unknown commands, including prototype names', async () => {
    await expect(
      decide(Cart, Cart.initialState, 'nope' as 'add', { sku: 'a', qty: 1 }, ctx),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_COMMAND',
    });
    await expect(
      decide(Cart, Cart.initialState, 'constructor' as 'add', { sku: 'a', qty: 1 }, ctx),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_COMMAND',
    });
  });

  it('rejects events of unknown types and data that is not plain JSON', async () => {
    const Bad = defineAggregate({
      type: 'bad',
      initialState: {},
      events: { Ok: (_s, _e: { at: string }) => {} },
      commands: {
        wrongType: (_s) => ({ type: 'Nope', data: {} }) as never,
        date: (_s) => ({ type: 'Ok', data: { at: new Date() as unknown as string } }),
        notObject: (_s) => ({ type: 'Ok', data: 'x' as never }),
        loneSurrogate: (_s) => ({ type: 'Ok', data: { at: 'A\ud800' } }),
      },
    });
    await expect(decide(Bad, {}, 'wrongType', undefined, ctx)).rejects.toMatchObject({
      code: 'UNKNOWN_EVENT',
    });
    const err = await decide(Bad, {}, 'date', undefined, ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'event.data.at' }] });
    await expect(decide(Bad, {}, 'notObject', undefined, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    // What a sync server refuses is refused here too, without sync as well.
    await expect(decide(Bad, {}, 'loneSurrogate', undefined, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      issues: [{ path: 'event.data.at' }],
    });
  });

  it.each([
    ['zod', z.object({ name: z.string().min(2) })],
    ['valibot', v.object({ name: v.pipe(v.string(), v.minLength(2)) })],
    ['arktype', type({ name: 'string >= 2' })],
  ])('validates event data with a %s schema', async (_lib, schema) => {
    const User = withSchema(schema);
    expect(await decide(User, User.initialState, 'rename', { name: 'Ada' }, ctx)).toHaveLength(1);
    const err = await decide(User, User.initialState, 'rename', { name: 'A' }, ctx).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_ERROR', issues: [{ path: 'event.data.name' }] });
    await expect(decide(User, User.initialState, 'rename', { name: 42 }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('awaits async schemas', async () => {
    const asyncSchema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: async (value: unknown) =>
          (value as { name: string }).name === 'ok'
            ? { value }
            : { issues: [{ message: 'nope', path: ['name'] }] },
      },
    };
    const User = withSchema(asyncSchema);
    expect(await decide(User, User.initialState, 'rename', { name: 'ok' }, ctx)).toHaveLength(1);
    await expect(decide(User, User.initialState, 'rename', { name: 'no' }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});

describe('defineAggregate', () => {
  it('refuses a schema for an event it does not define', () => {
    expect(() =>
      defineAggregate({
        type: 'x',
        initialState: {},
        events: { A: (_s) => {} },
        schemas: { B: z.object({}) },
        commands: { a: (_s) => ({ type: 'A', data: {} }) },
      }),
    ).toThrow(/unknown event "B"/);
  });
});

describe('bug 10: core refuses what a sync server would refuse, where it costs nothing', () => {
  const Free = defineAggregate({
    type: 'free',
    initialState: {},
    events: { Put: (_s, _e: Record<string, unknown>) => {} },
    commands: { put: (_s, p: { data: Record<string, unknown> }) => ({ type: 'Put', data: p.data as never }) },
  });

  it('decide refuses data nested deeper than 64 levels and the keys __proto__ and constructor', async () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 70; i++) deep = { d: deep };
    await expect(decide(Free, {}, 'put', { data: deep }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    let fine: Record<string, unknown> = {};
    for (let i = 0; i < 60; i++) fine = { d: fine };
    expect(await decide(Free, {}, 'put', { data: fine }, ctx)).toHaveLength(1);
    const polluted = JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    await expect(decide(Free, {}, 'put', { data: polluted }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    await expect(decide(Free, {}, 'put', { data: { constructor: 1 } }, ctx)).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('an append refuses a meta id of more than 200 characters', async () => {
    const { MemoryEventStore } = await import('./memory-event-store.js');
    const store = new MemoryEventStore();
    await expect(
      store.appendToStream('s', [{ type: 'Put', data: {}, meta: { correlationId: 'x'.repeat(201) } }]),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(
      store.appendToStream('s', [{ type: 'Put', data: {}, meta: { correlationId: 'x'.repeat(200) } }]),
    ).resolves.toMatchObject({ toVersion: 1 });
  });
});
