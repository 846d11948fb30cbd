import type { ExecuteResult } from '@tidelog/client';
import { describe, expectTypeOf, it } from 'vitest';
import { Counter } from './test-fixtures.js';
import { type CommandRunner, useCommand } from './use-command.js';

declare const run: CommandRunner<typeof Counter>;

describe('useCommand types', () => {
  it('is typed from the aggregate', () => {
    expectTypeOf(useCommand(Counter)).toEqualTypeOf<CommandRunner<typeof Counter>>();
    expectTypeOf(run('c-1', 'increment', { by: 1 })).toEqualTypeOf<Promise<ExecuteResult<typeof Counter>>>();
    run('c-1', 'reset');
    run('c-1', 'increment', { by: 1 }, { expectedVersion: 3 });
  });

  it('refuses a command the aggregate does not have', () => {
    // @ts-expect-error: no such command
    run('c-1', 'incremnt', { by: 1 });
  });

  it('refuses a wrong or missing payload', () => {
    // @ts-expect-error: by is a number
    run('c-1', 'increment', { by: '1' });
    // @ts-expect-error: the payload is required
    run('c-1', 'increment');
    // @ts-expect-error: an unknown field
    run('c-1', 'increment', { by: 1, extra: true });
  });

  it('gives the state type of the aggregate', async () => {
    const { state } = await run('c-1', 'increment', { by: 1 });
    expectTypeOf(state).toEqualTypeOf<{ count: number }>();
  });
});
