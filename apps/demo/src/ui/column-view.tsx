import { type DragEvent, useState } from 'react';
import type { Column } from '../domain/board.js';
import { AddCardForm } from './add-card-form.js';
import type { BoardActions } from './board-view.js';
import { CardItem } from './card-item.js';
import { WipLimit } from './wip-limit.js';

/** One column: its name, how full it is against its WIP limit, its cards, and a way to add one. */
export function ColumnView({
  column,
  previous,
  next,
  actions,
}: {
  column: Column;
  previous: Column | undefined;
  next: Column | undefined;
  actions: BoardActions | null;
}) {
  const [over, setOver] = useState(false);
  const full = column.limit !== null && column.cards.length >= column.limit;
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const cardId = event.dataTransfer.getData('application/x-tidelog-card');
    if (cardId && actions) actions.move(cardId, column.id);
  };
  return (
    <section
      aria-labelledby={`col-${column.id}`}
      data-testid={`column-${column.id}`}
      onDragOver={(e) => {
        if (!actions) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={`flex w-[85vw] max-w-80 shrink-0 snap-center flex-col rounded-xl bg-slate-200/70 sm:w-64 ${over ? 'ring-2 ring-indigo-400' : ''}`}
    >
      <header className="flex items-center justify-between px-3 pt-3 pb-2">
        <h2 id={`col-${column.id}`} className="text-sm font-semibold text-slate-700">
          {column.name}
        </h2>
        <WipLimit column={column} readOnly={actions === null} />
      </header>
      <ol className="flex min-h-16 flex-col gap-2 px-2 pb-2">
        {column.cards.map((cardId, index) => (
          <li key={cardId}>
            <CardItem
              cardId={cardId}
              index={index}
              column={column}
              previous={previous}
              next={next}
              actions={actions}
            />
          </li>
        ))}
      </ol>
      {actions && <AddCardForm column={column} full={full} onAdd={actions.add} />}
    </section>
  );
}
