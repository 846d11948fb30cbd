import { defineProjection } from '@tidelog/core';

export interface OverviewState {
  /** Cards on the board (not archived), by column id. */
  perColumn: Record<string, number>;
  /** Where each card on the board is, by card id (to move a count when a card moves). */
  columnOf: Record<string, string>;
  created: number;
  moves: number;
  edits: number;
  archived: number;
  /** When the last event was made (ISO-8601), or null on an empty board. */
  lastActivityAt: string | null;
}

// Card ids are minted by the app (UUIDs), never typed by a user, so plain records are safe
// keys here; reads still go through Object.hasOwn.
const bump = (counts: Record<string, number>, key: string, by: number): void => {
  counts[key] = (Object.hasOwn(counts, key) ? (counts[key] ?? 0) : 0) + by;
};

/** The board overview: counts per column and activity, folded over every stream of the board's space. */
export const Overview = defineProjection({
  name: 'overview',
  version: 1,
  initialState: {
    perColumn: {},
    columnOf: {},
    created: 0,
    moves: 0,
    edits: 0,
    archived: 0,
    lastActivityAt: null,
  } as OverviewState,
  events: {
    CardAdded: (s, e: { cardId: string; columnId: string }, event) => {
      s.columnOf[e.cardId] = e.columnId;
      bump(s.perColumn, e.columnId, 1);
      s.lastActivityAt = event.meta.timestamp;
    },
    CardMoved: (s, e: { cardId: string; toColumn: string }, event) => {
      if (!Object.hasOwn(s.columnOf, e.cardId)) return;
      bump(s.perColumn, s.columnOf[e.cardId]!, -1);
      bump(s.perColumn, e.toColumn, 1);
      s.columnOf[e.cardId] = e.toColumn;
      s.moves += 1;
      s.lastActivityAt = event.meta.timestamp;
    },
    CardArchived: (s, e: { cardId: string }, event) => {
      if (!Object.hasOwn(s.columnOf, e.cardId)) return;
      bump(s.perColumn, s.columnOf[e.cardId]!, -1);
      delete s.columnOf[e.cardId];
      s.archived += 1;
      s.lastActivityAt = event.meta.timestamp;
    },
    CardCreated: (s, _e: { title: string }, event) => {
      s.created += 1;
      s.lastActivityAt = event.meta.timestamp;
    },
    CardEdited: (s, _e: { title: string }, event) => {
      s.edits += 1;
      s.lastActivityAt = event.meta.timestamp;
    },
  },
});
