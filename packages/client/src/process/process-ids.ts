import { derivedUuid, type JsonObject } from '@tidelog/core';

// Ids a process manager derives instead of minting: running the same reaction twice (a
// catch-up after a crash) yields the same command id, the same event ids and the same
// dead-letter id, so the second run can tell that the first one happened.

/** Meta field naming the process manager that dispatched a command. */
export const PROCESS_FIELD = 'processManager';

/**
 * The command id of the `index`-th dispatch of process manager `pm` reacting to `eventId`.
 *
 * @example
 * const commandId = dispatchCommandId('shipping', event.id, 0);
 */
export function dispatchCommandId(pm: string, eventId: string, index: number): string {
  return derivedUuid(eventId, `dispatch\u0000${pm}\u0000${eventId}\u0000${index}`);
}

/**
 * The dead-letter id of process manager `pm`'s handler failing on `eventId` (a failing
 * dispatch's letter takes the dispatch's command id instead).
 *
 * @example
 * const id = handlerLetterId('shipping', event.id);
 */
export function handlerLetterId(pm: string, eventId: string): string {
  return derivedUuid(eventId, `handler\u0000${pm}\u0000${eventId}`);
}

/**
 * The id of the `index`-th event of a process manager's command: derived from the command
 * id, so a command that ran has a first event anyone can look up (`store.getEvent`), and a
 * rebase or a retry of it writes the same ids again.
 *
 * @example
 * const firstId = processEventId(commandId, 0);
 */
export function processEventId(commandId: string, index: number): string {
  return derivedUuid(commandId, `event\u0000${commandId}\u0000${index}`);
}

/**
 * True for a command a process manager dispatched (its metadata names one): its event ids
 * are derived with `processEventId` rather than minted.
 *
 * @example
 * if (isProcessCommand(ctx.metadata)) id = processEventId(ctx.commandId, i);
 */
export function isProcessCommand(metadata: JsonObject): boolean {
  return typeof metadata[PROCESS_FIELD] === 'string';
}
