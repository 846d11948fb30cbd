import type { OutboxEntry } from '@tidelog/core';
import { DEFAULT_COLUMNS } from '../domain/board.js';

const columnName = (id: unknown): string =>
  DEFAULT_COLUMNS.find((c) => c.id === id)?.name ?? (typeof id === 'string' ? id : 'a column');

const field = (payload: OutboxEntry['payload'], name: string): unknown =>
  payload && typeof payload === 'object' && !Array.isArray(payload) && Object.hasOwn(payload, name)
    ? payload[name]
    : undefined;

/**
 * A rejected command in words, e.g. `Move “Write docs” to Doing`. `title` is the card's
 * title when the command is about a card on the board.
 *
 * @example
 * describeCommand(entry, 'Write docs'); // 'Move “Write docs” to Doing'
 */
export function describeCommand(entry: OutboxEntry, title: string | undefined): string {
  const card = title ? `“${title}”` : 'a card';
  const p = entry.payload;
  if (entry.aggregateType === 'board') {
    if (entry.command === 'moveCard') return `Move ${card} to ${columnName(field(p, 'toColumn'))}`;
    if (entry.command === 'addCard') return `Add ${card} to ${columnName(field(p, 'columnId'))}`;
    if (entry.command === 'archiveCard') return `Archive ${card}`;
    if (entry.command === 'setLimit') {
      const limit = field(p, 'limit');
      return `Set the WIP limit of ${columnName(field(p, 'columnId'))} to ${limit === null ? 'none' : String(limit)}`;
    }
  }
  if (entry.aggregateType === 'card') {
    const named = field(p, 'title');
    const what = typeof named === 'string' ? `“${named}”` : card;
    if (entry.command === 'create') return `Create ${what}`;
    if (entry.command === 'edit') return `Edit ${what}`;
  }
  return `${entry.command} on ${entry.streamId}`;
}

/** The card a board command is about, if any. */
export const cardIdOf = (entry: OutboxEntry): string | undefined => {
  const id = field(entry.payload, 'cardId');
  return typeof id === 'string' ? id : undefined;
};
