import { createTidelog } from '@tidelog/client';
import { MemoryEventStore } from '@tidelog/core';
import { aggregateSpec } from '@tidelog/core/testing';
import { describe, expect, it } from 'vitest';
import { BOARD_STREAM, Board } from './board.js';
import { Card, cardStream } from './card.js';
import { EventLog, LOG_SIZE } from './event-log.js';
import { Overview } from './overview.js';

const added = (cardId: string, columnId: string) =>
  ({ type: 'CardAdded', data: { cardId, columnId } }) as const;

describe('Board', () => {
  it('moves a card into a column with room', async () => {
    await aggregateSpec(Board)
      .given([added('a', 'backlog')])
      .when('moveCard', { cardId: 'a', toColumn: 'doing' })
      .then([{ type: 'CardMoved', data: { cardId: 'a', toColumn: 'doing', index: 0 } }]);
  });

  it('refuses a move into a column at its WIP limit, with the reason', async () => {
    await aggregateSpec(Board)
      .given([added('a', 'doing'), added('b', 'doing'), added('c', 'backlog')])
      .when('moveCard', { cardId: 'c', toColumn: 'doing' })
      .thenThrows('WIP_LIMIT');
    await aggregateSpec(Board)
      .given([added('a', 'doing'), added('b', 'doing')])
      .when('addCard', { cardId: 'c', columnId: 'doing' })
      .thenThrows('WIP_LIMIT');
  });

  it('reorders within a full column (the limit counts cards, not moves)', async () => {
    await aggregateSpec(Board)
      .given([added('a', 'doing'), added('b', 'doing')])
      .when('moveCard', { cardId: 'b', toColumn: 'doing', index: 0 })
      .then([{ type: 'CardMoved', data: { cardId: 'b', toColumn: 'doing', index: 0 } }]);
  });

  it('decides nothing for a move to where the card already is', async () => {
    await aggregateSpec(Board)
      .given([added('a', 'doing')])
      .when('moveCard', { cardId: 'a', toColumn: 'doing', index: 0 })
      .then([]);
  });

  it('refuses unknown cards and columns, bad limits and a card added twice', async () => {
    await aggregateSpec(Board)
      .given([])
      .when('moveCard', { cardId: 'x', toColumn: 'doing' })
      .thenThrows('NO_SUCH_CARD');
    await aggregateSpec(Board)
      .given([added('a', 'doing')])
      .when('moveCard', { cardId: 'a', toColumn: 'nope' })
      .thenThrows('NO_SUCH_COLUMN');
    await aggregateSpec(Board)
      .given([added('a', 'doing')])
      .when('addCard', { cardId: 'a', columnId: 'backlog' })
      .thenThrows('CARD_EXISTS');
    await aggregateSpec(Board)
      .given([])
      .when('setLimit', { columnId: 'doing', limit: 0 })
      .thenThrows('BAD_LIMIT');
    await aggregateSpec(Board)
      .given([])
      .when('setLimit', { columnId: 'doing', limit: 2.5 })
      .thenThrows('BAD_LIMIT');
    await aggregateSpec(Board).given([]).when('archiveCard', { cardId: 'x' }).thenThrows('NO_SUCH_CARD');
  });

  it('frees a place in the column when a card is archived', async () => {
    await aggregateSpec(Board)
      .given([
        added('a', 'doing'),
        added('b', 'doing'),
        { type: 'CardArchived', data: { cardId: 'a' } },
        added('c', 'backlog'),
      ])
      .when('moveCard', { cardId: 'c', toColumn: 'doing' })
      .then([{ type: 'CardMoved', data: { cardId: 'c', toColumn: 'doing', index: 1 } }]);
  });
});

describe('Card', () => {
  it('needs a title, trims it and ignores an edit that changes nothing', async () => {
    await aggregateSpec(Card).given([]).when('create', { title: '   ' }).thenThrows('TITLE_REQUIRED');
    await aggregateSpec(Card)
      .given([])
      .when('create', { title: 'x'.repeat(121) })
      .thenThrows('TITLE_TOO_LONG');
    await aggregateSpec(Card)
      .given([])
      .when('create', { title: ' Ship it ' })
      .then([{ type: 'CardCreated', data: { title: 'Ship it', notes: '' } }]);
    await aggregateSpec(Card).given([]).when('edit', { title: 'a' }).thenThrows('NO_SUCH_CARD');
    await aggregateSpec(Card)
      .given([{ type: 'CardCreated', data: { title: 'a', notes: '' } }])
      .when('edit', { title: 'a', notes: ' ' })
      .then([]);
  });
});

describe('the board overview and the event log (projections)', () => {
  it('count cards per column and keep every event in order', async () => {
    const tidelog = await createTidelog({
      aggregates: [Board, Card],
      projections: [Overview, EventLog],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Card, cardStream('a'), 'create', { title: 'A' });
    await tidelog.execute(Board, BOARD_STREAM, 'addCard', { cardId: 'a', columnId: 'backlog' });
    await tidelog.execute(Board, BOARD_STREAM, 'moveCard', { cardId: 'a', toColumn: 'doing' });
    await tidelog.execute(Card, cardStream('a'), 'edit', { title: 'A!' });
    await tidelog.execute(Board, BOARD_STREAM, 'archiveCard', { cardId: 'a' });
    await tidelog.settled();
    const overview = tidelog.getProjection(Overview)!.state;
    expect(overview).toMatchObject({
      perColumn: { backlog: 0, doing: 0 },
      created: 1,
      moves: 1,
      edits: 1,
      archived: 1,
    });
    const log = tidelog.getProjection(EventLog)!.state;
    expect(log.entries.map((e) => [e.streamId, e.version, e.type])).toEqual([
      ['card/a', 1, 'CardCreated'],
      ['board', 1, 'CardAdded'],
      ['board', 2, 'CardMoved'],
      ['card/a', 2, 'CardEdited'],
      ['board', 3, 'CardArchived'],
    ]);
    expect(log.entries.map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
    await tidelog.close();
  });

  it('keeps only the last LOG_SIZE events but counts them all', async () => {
    const tidelog = await createTidelog({
      aggregates: [Board, Card],
      projections: [EventLog],
      store: () => new MemoryEventStore(),
    });
    await tidelog.execute(Card, cardStream('a'), 'create', { title: '0' });
    for (let i = 1; i <= LOG_SIZE; i++)
      await tidelog.execute(Card, cardStream('a'), 'edit', { title: String(i) });
    await tidelog.settled();
    const log = tidelog.getProjection(EventLog)!.state;
    expect(log.total).toBe(LOG_SIZE + 1);
    expect(log.entries).toHaveLength(LOG_SIZE);
    expect(log.entries[0]!.version).toBe(2);
    await tidelog.close();
  });
});
