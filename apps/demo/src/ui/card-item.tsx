import { useAggregate } from '@tidelog/react';
import type { Column } from '../domain/board.js';
import { Card, cardStream } from '../domain/card.js';
import type { BoardActions } from './board-view.js';
import { useStateAsOf, useTravel } from './travel.js';

const arrow =
  'grid size-8 place-items-center rounded text-sm text-slate-500 sm:size-6 sm:text-xs hover:bg-slate-100 hover:text-slate-900 disabled:opacity-30 disabled:hover:bg-transparent';

/**
 * A card on the board. It reads its own stream, so editing one card re-renders that card
 * only. Moves go by buttons (keyboard) or drag and drop.
 */
export function CardItem({
  cardId,
  index,
  column,
  previous,
  next,
  actions,
}: {
  cardId: string;
  index: number;
  column: Column;
  previous: Column | undefined;
  next: Column | undefined;
  actions: BoardActions | null;
}) {
  const streamId = cardStream(cardId);
  const live = useAggregate(Card, streamId);
  const { travel } = useTravel();
  const pastVersion = travel?.streamId === streamId && travel.version < live.version ? travel.version : null;
  const past = useStateAsOf(Card, streamId, pastVersion);
  const card = pastVersion !== null ? (past ?? live.state) : live.state;
  const title = card.exists ? card.title : live.pending ? '…' : 'Untitled card';
  return (
    <article
      data-testid="card"
      data-card-id={cardId}
      draggable={actions !== null}
      onDragStart={(e) => {
        e.dataTransfer.setData('application/x-tidelog-card', cardId);
        e.dataTransfer.effectAllowed = 'move';
      }}
      className={`group rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-900/5 ${
        pastVersion !== null ? 'ring-2 ring-indigo-400' : ''
      } ${actions ? 'cursor-grab active:cursor-grabbing' : ''}`}
    >
      <div className="flex items-start gap-2">
        {actions ? (
          <button
            type="button"
            data-testid="card-title"
            onClick={() => actions.edit(cardId)}
            className="min-w-0 flex-1 text-left text-sm font-medium break-words text-slate-900 hover:text-indigo-700"
          >
            {title}
          </button>
        ) : (
          <p
            data-testid="card-title"
            className="min-w-0 flex-1 text-sm font-medium break-words text-slate-900"
          >
            {title}
          </p>
        )}
        {actions && (
          <div className="-mt-0.5 -mr-1 flex shrink-0 items-center">
            <button
              type="button"
              className={arrow}
              disabled={!previous}
              aria-label={previous ? `Move “${title}” to ${previous.name}` : 'First column'}
              onClick={() => previous && actions.move(cardId, previous.id)}
            >
              ←
            </button>
            <button
              type="button"
              className={arrow}
              disabled={index === 0}
              aria-label={`Move “${title}” up`}
              onClick={() => actions.move(cardId, column.id, index - 1)}
            >
              ↑
            </button>
            <button
              type="button"
              className={arrow}
              disabled={!next}
              aria-label={next ? `Move “${title}” to ${next.name}` : 'Last column'}
              onClick={() => next && actions.move(cardId, next.id)}
            >
              →
            </button>
          </div>
        )}
      </div>
      {card.notes && <p className="mt-1 line-clamp-2 text-xs text-slate-500">{card.notes}</p>}
      {pastVersion !== null && <p className="mt-1 text-xs text-indigo-600">as of version {pastVersion}</p>}
    </article>
  );
}
