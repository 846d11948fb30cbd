import type { CommandArgs, ExecuteResult } from '@tidelog/client';
import type { AnyAggregate, CommandName } from '@tidelog/core';
import { useCallback } from 'react';
import { useRuntime } from './provider.js';

/** A command runner for one aggregate: `(streamId, command, payload?, options?)`. */
export type CommandRunner<A extends AnyAggregate> = <K extends CommandName<A>>(
  streamId: string,
  command: K,
  ...args: CommandArgs<A, K>
) => Promise<ExecuteResult<A>>;

/**
 * Run an aggregate's commands. Typed from the aggregate: a command it does not have, a
 * wrong payload or a missing one is a compile error. The function is stable across renders
 * (safe in effect dependencies). Its promise rejects with the command's coded error
 * (`DomainError`, `ValidationError`…); nothing is written then.
 *
 * @example
 * const run = useCommand(Board);
 * await run('board', 'moveCard', { cardId, toColumn: 'doing', index: 0 });
 */
export function useCommand<A extends AnyAggregate>(aggregate: A): CommandRunner<A> {
  const tidelog = useRuntime('useCommand');
  return useCallback(
    ((streamId: string, command: string, ...args: unknown[]) =>
      (tidelog.execute as (...a: unknown[]) => Promise<unknown>)(
        aggregate,
        streamId,
        command,
        ...args,
      )) as CommandRunner<A>,
    [tidelog, aggregate],
  );
}
