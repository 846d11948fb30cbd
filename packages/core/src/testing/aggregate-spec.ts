import type { AnyAggregate, CommandContext, CommandName, EventOf, PayloadOf, StateOf } from '../aggregate.js';
import { jsonEqual } from '../append-rules.js';
import { decide } from '../decide.js';
import { fold } from '../fold.js';
import type { Envelope, NewEvent } from '../types.js';
import { uuidv7 } from '../uuid.js';
import { ConformanceFailure } from './assert.js';

const ctxFor = (streamId: string, version: number): CommandContext => ({
  streamId,
  version,
  now: '2026-01-01T00:00:00.000Z',
  commandId: uuidv7(),
  clientId: 'spec',
  metadata: {},
});

function envelopes(streamId: string, events: readonly NewEvent[]): Envelope[] {
  return events.map((e, i) => ({
    id: uuidv7(),
    streamId,
    version: i + 1,
    type: e.type,
    schemaVersion: 1,
    data: e.data as Envelope['data'],
    meta: { timestamp: '2026-01-01T00:00:00.000Z', clientId: 'spec' },
    position: i + 1,
  }));
}

/** The last step of a spec: what the command must produce, or which error it must raise. */
export interface SpecOutcome<A extends AnyAggregate> {
  /** Assert the command produced exactly these events (type and data, in order). */
  then(expected: readonly EventOf<A>[]): Promise<void>;
  /** Assert the command threw an error with this `code`. */
  thenThrows(code: string): Promise<void>;
}

/** The first step of `aggregateSpec(A)`: the events the stream already holds. */
export interface SpecGiven<A extends AnyAggregate> {
  when<K extends CommandName<A>>(command: K, payload: PayloadOf<A, K>): SpecOutcome<A>;
}

/**
 * Given/when/then for aggregates: fold the given events, run one command, check its events.
 *
 * @example
 * await aggregateSpec(Counter)
 *   .given([{ type: 'Incremented', data: { by: 1 } }])
 *   .when('increment', { by: 2 })
 *   .then([{ type: 'Incremented', data: { by: 2 } }]);
 */
export function aggregateSpec<A extends AnyAggregate>(aggregate: A) {
  return {
    given(history: readonly EventOf<A>[] = []): SpecGiven<A> {
      const past = envelopes('spec-stream', history as readonly NewEvent[]);
      const state = fold(aggregate, aggregate.initialState as StateOf<A>, past);
      return {
        when(command, payload) {
          const run = () => decide(aggregate, state, command, payload, ctxFor('spec-stream', past.length));
          return {
            // `then` is the name the given/when/then style asks for; awaiting `when()` itself is not supported.
            // biome-ignore lint/suspicious/noThenProperty: deliberate API name
            async then(expected, ...rest: unknown[]) {
              if (typeof expected === 'function') {
                // Awaited directly (`await spec.when(...)`): behave as a promise of the events.
                const resolve = expected as unknown as (v: unknown) => void;
                const reject = rest[0] as (e: unknown) => void;
                return run().then(resolve, reject);
              }
              const produced = (await run()).map((e) => ({ type: e.type, data: e.data }));
              const wanted = expected.map((e) => ({ type: e.type, data: e.data }));
              if (!jsonEqual(produced, wanted)) {
                throw new ConformanceFailure(
                  `"${command}" produced ${JSON.stringify(produced)}, expected ${JSON.stringify(wanted)}`,
                );
              }
            },
            async thenThrows(code) {
              try {
                await run();
              } catch (error) {
                const actual = (error as { code?: unknown }).code;
                if (actual === code) return;
                throw new ConformanceFailure(
                  `"${command}" threw ${String(actual)} (${String(error)}), expected ${code}`,
                );
              }
              throw new ConformanceFailure(`"${command}" succeeded, expected it to throw ${code}`);
            },
          };
        },
      };
    },
  };
}
