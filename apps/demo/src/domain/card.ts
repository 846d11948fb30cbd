import { DomainError, defineAggregate } from '@tidelog/core';

export interface CardState {
  /** False until the card's first event: a stream with no events is no card. */
  exists: boolean;
  title: string;
  notes: string;
}

/** The stream id of a card. */
export const cardStream = (cardId: string): string => `card/${cardId}`;

const MAX_TITLE = 120;
const MAX_NOTES = 2000;

const clean = (p: { title: string; notes?: string }): { title: string; notes: string } => {
  const title = p.title.trim();
  const notes = (p.notes ?? '').trim();
  if (!title) throw new DomainError('A card needs a title', { code: 'TITLE_REQUIRED' });
  if (title.length > MAX_TITLE) {
    throw new DomainError(`A title has at most ${MAX_TITLE} characters`, { code: 'TITLE_TOO_LONG' });
  }
  if (notes.length > MAX_NOTES) {
    throw new DomainError(`Notes have at most ${MAX_NOTES} characters`, { code: 'NOTES_TOO_LONG' });
  }
  return { title, notes };
};

/** A card's contents. Where it sits on the board is the `Board`'s business. */
export const Card = defineAggregate({
  type: 'card',
  initialState: { exists: false, title: '', notes: '' } as CardState,
  events: {
    CardCreated: (s, e: { title: string; notes: string }) => {
      s.exists = true;
      s.title = e.title;
      s.notes = e.notes;
    },
    CardEdited: (s, e: { title: string; notes: string }) => {
      s.title = e.title;
      s.notes = e.notes;
    },
  },
  commands: {
    create: (state, p: { title: string; notes?: string }) => {
      if (state.exists) throw new DomainError('That card exists already', { code: 'CARD_EXISTS' });
      return { type: 'CardCreated', data: clean(p) };
    },
    edit: (state, p: { title: string; notes?: string }) => {
      if (!state.exists) throw new DomainError('There is no such card', { code: 'NO_SUCH_CARD' });
      const next = clean(p);
      if (next.title === state.title && next.notes === state.notes) return [];
      return { type: 'CardEdited', data: next };
    },
  },
});
