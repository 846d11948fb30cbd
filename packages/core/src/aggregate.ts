import type { Draft } from 'immer';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { Envelope, JsonObject, NewEvent } from './types.js';
import type { Upcasters } from './upcast.js';

/** What a decide handler may read besides state and payload; the same on every replay. */
export interface CommandContext {
  streamId: string;
  /** The stream version the state was folded to. */
  version: number;
  /** ISO-8601 time of the original command (not of a replay). */
  now: string;
  commandId: string;
  clientId: string;
  metadata: JsonObject;
}

/** An evolve handler: mutate the immer draft for one event. */
export type Evolve<S, D> = (draft: Draft<S>, data: D, event: Envelope<string, D>) => void;

/** The data type an evolve handler declares for its event (`{}` when it takes none). */
export type EventDataOf<F> = F extends (draft: never, data: infer D, ...rest: never[]) => unknown
  ? unknown extends D
    ? Record<string, never>
    : D
  : never;

/** The union of events (`{ type, data }`) an aggregate with these evolve handlers accepts. */
export type EventUnion<E> = { [K in keyof E & string]: NewEvent<K, EventDataOf<E[K]>> }[keyof E & string];

/** A decide handler: return the events a command produces, or throw a `DomainError`. */
export type Decide<S, E> = (
  state: S,
  payload: never,
  ctx: CommandContext,
) => EventUnion<E> | readonly EventUnion<E>[];

type AnyDecide<S> = (state: S, payload: never, ctx: CommandContext) => unknown;
type AnyEvolve<S> = Evolve<S, never>;

/** What `defineAggregate` takes: the aggregate's type name, its initial state, and its evolve and decide handlers. */
export interface AggregateConfig<S, E, C> {
  /** A stable name; part of snapshot keys and outbox entries. */
  type: string;
  initialState: S;
  /** Evolve handlers by event type. Declare them before `commands` for the best inference. */
  events: E;
  /** Decide handlers by command name. Each declares the state parameter, `(state, payload, ctx)`. */
  commands: C;
  /**
   * Optional Standard Schema (zod, valibot, arktype…) per event type, checked before anything
   * is written; its output becomes the event's data. Type the evolve handler's data as the
   * schema's output (e.g. `z.infer<typeof Schema>`).
   */
  schemas?: Record<string, StandardSchemaV1>;
  /** Upcasters per event type: index i turns schemaVersion i+1 into i+2. */
  upcasters?: Upcasters;
  /** Bump when `events` change meaning, so stored snapshots are not reused. Default 1. */
  snapshotVersion?: number;
}

/** An aggregate definition: plain data and functions, safe to share between runtimes. */
export interface Aggregate<S = unknown, E = Record<string, AnyEvolve<S>>, C = Record<string, AnyDecide<S>>>
  extends Required<Omit<AggregateConfig<S, E, C>, 'schemas'>> {
  readonly kind: 'aggregate';
  schemas: Partial<Record<string, StandardSchemaV1>>;
}

/** Any aggregate, whatever its types. */
// biome-ignore lint/suspicious/noExplicitAny: the one place variance needs a wildcard
export type AnyAggregate = Aggregate<any, any, any>;

/** The state type of an aggregate. */
export type StateOf<A> = A extends Aggregate<infer S, infer _E, infer _C> ? S : never;
/** The command names of an aggregate. */
export type CommandName<A> = A extends Aggregate<infer _S, infer _E, infer C> ? keyof C & string : never;
/** The payload type of one command. */
export type PayloadOf<A, K> =
  A extends Aggregate<infer _S, infer _E, infer C>
    ? K extends keyof C
      ? C[K] extends (state: never, payload: infer P, ...rest: never[]) => unknown
        ? unknown extends P
          ? undefined
          : P
        : never
      : never
    : never;
/** The events (`{ type, data }`) an aggregate produces. */
export type EventOf<A> = A extends Aggregate<infer _S, infer E, infer _C> ? EventUnion<E> : never;

/**
 * Define an aggregate: its initial state, evolve handlers (one per event type, mutating an
 * immer draft) and decide handlers (one per command). Event types and data, command names
 * and payloads are inferred, so a typo is a compile error.
 *
 * @example
 * const Counter = defineAggregate({
 *   type: 'counter',
 *   initialState: { count: 0 },
 *   events: {
 *     Incremented: (s, e: { by: number }) => { s.count += e.by; },
 *   },
 *   commands: {
 *     increment: (_s, p: { by: number }) => ({ type: 'Incremented', data: { by: p.by } }),
 *   },
 * });
 */
export function defineAggregate<
  S,
  E extends Record<string, AnyEvolve<S>>,
  C extends Record<string, AnyDecide<S>>,
  Sc extends Partial<Record<string, StandardSchemaV1>> = Record<never, never>,
>(
  config: Omit<AggregateConfig<S, E, C>, 'schemas'> & {
    schemas?: Sc;
    // Schemas get their own type parameter: any type on them that mentions the events would
    // stop TypeScript from inferring the events from the handlers. Their keys are checked
    // when the aggregate is defined; write the handler's data type as the schema's output.
    commands: { [K in keyof C]: Decide<S, E> };
  },
): Aggregate<S, E, C> {
  for (const key of Object.keys(config.schemas ?? {})) {
    if (!Object.hasOwn(config.events, key)) {
      throw new TypeError(`defineAggregate("${config.type}"): schema for unknown event "${key}"`);
    }
  }
  return {
    kind: 'aggregate',
    ...config,
    schemas: (config.schemas ?? {}) as Partial<Record<string, StandardSchemaV1>>,
    upcasters: config.upcasters ?? {},
    snapshotVersion: config.snapshotVersion ?? 1,
  };
}
