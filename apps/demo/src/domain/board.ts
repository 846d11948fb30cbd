import { DomainError, defineAggregate } from '@tidelog/core';

/** A column: its cards in order and its WIP limit (`null`: no limit). */
export interface Column {
  id: string;
  name: string;
  limit: number | null;
  cards: string[];
}

export interface BoardState {
  columns: Column[];
  /** Archived card ids, newest last. */
  archived: string[];
}

/** The stream id of the one board of a space (each board is a space of its own). */
export const BOARD_STREAM = 'board';

/** Every board starts with these columns, so two devices never race to create them. */
export const DEFAULT_COLUMNS: readonly Column[] = [
  { id: 'backlog', name: 'Backlog', limit: null, cards: [] },
  { id: 'doing', name: 'Doing', limit: 2, cards: [] },
  { id: 'review', name: 'Review', limit: 2, cards: [] },
  { id: 'done', name: 'Done', limit: null, cards: [] },
];

const columnOf = (state: BoardState, columnId: string): Column => {
  const column = state.columns.find((c) => c.id === columnId);
  if (!column) throw new DomainError(`There is no column "${columnId}"`, { code: 'NO_SUCH_COLUMN' });
  return column;
};

const whereIs = (state: BoardState, cardId: string): Column | undefined =>
  state.columns.find((c) => c.cards.includes(cardId));

/** The WIP rule, the one a concurrent move can break: a column with a limit takes no more cards. */
const assertRoom = (column: Column): void => {
  if (column.limit !== null && column.cards.length >= column.limit) {
    throw new DomainError(`“${column.name}” is at its WIP limit of ${column.limit}`, {
      code: 'WIP_LIMIT',
      data: { columnId: column.id, limit: column.limit },
    });
  }
};

const removeCard = (columns: Column[], cardId: string): void => {
  for (const column of columns) {
    const at = column.cards.indexOf(cardId);
    if (at >= 0) column.cards.splice(at, 1);
  }
};

/**
 * The board: which card sits in which column, in which order, and the WIP limits. Card
 * contents live in their own streams (`Card`), so editing a card never conflicts with a move.
 */
export const Board = defineAggregate({
  type: 'board',
  initialState: { columns: DEFAULT_COLUMNS.map((c) => ({ ...c, cards: [] })), archived: [] } as BoardState,
  events: {
    CardAdded: (s, e: { cardId: string; columnId: string }) => {
      s.columns.find((c) => c.id === e.columnId)?.cards.push(e.cardId);
    },
    CardMoved: (s, e: { cardId: string; toColumn: string; index: number }) => {
      const to = s.columns.find((c) => c.id === e.toColumn);
      if (!to) return;
      removeCard(s.columns, e.cardId);
      to.cards.splice(Math.min(e.index, to.cards.length), 0, e.cardId);
    },
    CardArchived: (s, e: { cardId: string }) => {
      removeCard(s.columns, e.cardId);
      s.archived.push(e.cardId);
    },
    LimitSet: (s, e: { columnId: string; limit: number | null }) => {
      const column = s.columns.find((c) => c.id === e.columnId);
      if (column) column.limit = e.limit;
    },
  },
  commands: {
    addCard: (state, p: { cardId: string; columnId: string }) => {
      if (whereIs(state, p.cardId) || state.archived.includes(p.cardId)) {
        throw new DomainError('That card is already on the board', { code: 'CARD_EXISTS' });
      }
      assertRoom(columnOf(state, p.columnId));
      return { type: 'CardAdded', data: { cardId: p.cardId, columnId: p.columnId } };
    },
    moveCard: (state, p: { cardId: string; toColumn: string; index?: number }) => {
      const from = whereIs(state, p.cardId);
      if (!from) throw new DomainError('That card is not on the board', { code: 'NO_SUCH_CARD' });
      const to = columnOf(state, p.toColumn);
      const index = Math.max(0, Math.min(p.index ?? to.cards.length, to.cards.length));
      if (from.id === to.id) {
        if (from.cards.indexOf(p.cardId) === index) return [];
      } else {
        assertRoom(to);
      }
      return { type: 'CardMoved', data: { cardId: p.cardId, toColumn: to.id, index } };
    },
    archiveCard: (state, p: { cardId: string }) => {
      if (!whereIs(state, p.cardId))
        throw new DomainError('That card is not on the board', { code: 'NO_SUCH_CARD' });
      return { type: 'CardArchived', data: { cardId: p.cardId } };
    },
    setLimit: (state, p: { columnId: string; limit: number | null }) => {
      const column = columnOf(state, p.columnId);
      if (p.limit !== null && (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > 99)) {
        throw new DomainError('A WIP limit is a whole number from 1 to 99, or none', { code: 'BAD_LIMIT' });
      }
      if (column.limit === p.limit) return [];
      return { type: 'LimitSet', data: { columnId: column.id, limit: p.limit } };
    },
  },
});
