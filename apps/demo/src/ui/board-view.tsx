import { uuidv7 } from '@tidelog/core';
import { useAggregate, useCommand } from '@tidelog/react';
import { useCallback, useState } from 'react';
import { BOARD_STREAM, Board, type BoardState } from '../domain/board.js';
import { Card, cardStream } from '../domain/card.js';
import { CardDialog } from './card-dialog.js';
import { ColumnView } from './column-view.js';
import { reasonOf, useNotify } from './notices.js';
import { useStateAsOf, useTravel } from './travel.js';

const SAMPLES: [string, string][] = [
  ['Sketch the onboarding flow', 'backlog'],
  ['Write the sync docs', 'backlog'],
  ['Offline mode for the editor', 'doing'],
  ['Fix flaky login test', 'review'],
  ['Ship v0.1', 'done'],
];

/** What the board's columns can do; `null` when the board is shown as of a past version (read only). */
export interface BoardActions {
  add(columnId: string, title: string): Promise<boolean>;
  move(cardId: string, toColumn: string, index?: number): void;
  edit(cardId: string): void;
}

/** The board: live, or as of the version the time-travel slider points at. */
export function BoardView() {
  const live = useAggregate(Board, BOARD_STREAM);
  const { travel, setTravel } = useTravel();
  const pastVersion =
    travel?.streamId === BOARD_STREAM && travel.version < live.version ? travel.version : null;
  const past = useStateAsOf(Board, BOARD_STREAM, pastVersion);
  const runBoard = useCommand(Board);
  const runCard = useCommand(Card);
  const notify = useNotify();
  const [editing, setEditing] = useState<string | null>(null);

  const add = useCallback(
    async (columnId: string, title: string) => {
      const cardId = uuidv7();
      try {
        // The card's contents first: if the board refuses it (a full column), the card is
        // an unseen stream, never a blank card on the board.
        await runCard(cardStream(cardId), 'create', { title });
        await runBoard(BOARD_STREAM, 'addCard', { cardId, columnId });
        return true;
      } catch (error) {
        notify(reasonOf(error));
        return false;
      }
    },
    [runBoard, runCard, notify],
  );
  const move = useCallback(
    (cardId: string, toColumn: string, index?: number) => {
      runBoard(
        BOARD_STREAM,
        'moveCard',
        index === undefined ? { cardId, toColumn } : { cardId, toColumn, index },
      ).catch((error: unknown) => notify(reasonOf(error)));
    },
    [runBoard, notify],
  );
  const seed = async () => {
    for (const [title, columnId] of SAMPLES) if (!(await add(columnId, title))) return;
  };

  if (live.pending) {
    return <p className="p-6 text-slate-500">Opening the board…</p>;
  }
  const state: BoardState = pastVersion !== null ? (past ?? live.state) : live.state;
  const readOnly = pastVersion !== null;
  const actions: BoardActions | null = readOnly ? null : { add, move, edit: setEditing };
  const empty = state.columns.every((c) => c.cards.length === 0) && state.archived.length === 0;
  return (
    <>
      {readOnly && (
        <div className="mx-4 mt-4 flex flex-wrap items-center gap-3 rounded-lg border border-indigo-200 bg-indigo-50 px-4 py-2.5 text-sm text-indigo-900 sm:mx-6">
          <span>
            Viewing the board as of <strong>version {pastVersion}</strong> of {live.version} (read only).
          </span>
          <button
            type="button"
            onClick={() => setTravel(null)}
            className="ml-auto rounded-md bg-indigo-600 px-3 py-1 font-medium text-white hover:bg-indigo-700"
          >
            Back to now
          </button>
        </div>
      )}
      <div
        data-testid="board"
        data-version={readOnly ? pastVersion : live.version}
        className="flex snap-x snap-mandatory items-start gap-4 overflow-x-auto p-4 sm:p-6 lg:snap-none"
      >
        {state.columns.map((column, i) => (
          <ColumnView
            key={column.id}
            column={column}
            previous={state.columns[i - 1]}
            next={state.columns[i + 1]}
            actions={actions}
          />
        ))}
      </div>
      {empty && !readOnly && (
        <div className="px-6 pb-6 text-center text-sm text-slate-500">
          An empty board.{' '}
          <button type="button" onClick={seed} className="font-medium text-indigo-600 underline">
            Add a few sample cards
          </button>
        </div>
      )}
      {editing && <CardDialog cardId={editing} onClose={() => setEditing(null)} />}
    </>
  );
}
