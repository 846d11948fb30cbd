import { useCommand } from '@tidelog/react';
import { useState } from 'react';
import { BOARD_STREAM, Board, type Column } from '../domain/board.js';
import { reasonOf, useNotify } from './notices.js';

const CHOICES = [null, 1, 2, 3, 4, 5, 6, 8, 10] as const;

/**
 * A column's card count against its WIP limit; a click (or Enter) opens a select to change
 * the limit. `readOnly` (the board as of a past version) shows the count only.
 */
export function WipLimit({ column, readOnly }: { column: Column; readOnly: boolean }) {
  const [editing, setEditing] = useState(false);
  const runBoard = useCommand(Board);
  const notify = useNotify();
  const full = column.limit !== null && column.cards.length >= column.limit;
  const badge = `rounded-full px-2 py-0.5 text-xs font-medium tabular-nums ${
    full ? 'bg-rose-100 text-rose-700' : 'bg-white text-slate-500'
  }`;
  const count = `${column.cards.length}${column.limit !== null ? ` / ${column.limit}` : ''}`;
  if (readOnly) {
    return (
      <span data-testid={`wip-${column.id}`} className={badge}>
        {count}
      </span>
    );
  }
  if (!editing) {
    return (
      <button
        type="button"
        data-testid={`wip-${column.id}`}
        onClick={() => setEditing(true)}
        aria-label={`${count} cards${column.limit === null ? ', no WIP limit' : `, WIP limit ${column.limit}`}: change the limit`}
        className={`${badge} hover:ring-1 hover:ring-slate-400`}
      >
        {count}
      </button>
    );
  }
  return (
    <select
      // biome-ignore lint/a11y/noAutofocus: opened by a click on the count, to pick a limit at once
      autoFocus
      aria-label={`WIP limit of ${column.name}`}
      value={column.limit ?? ''}
      onBlur={() => setEditing(false)}
      onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
      onChange={(e) => {
        const limit = e.target.value === '' ? null : Number(e.target.value);
        setEditing(false);
        runBoard(BOARD_STREAM, 'setLimit', { columnId: column.id, limit }).catch((error: unknown) =>
          notify(reasonOf(error)),
        );
      }}
      className="rounded-md border border-slate-300 bg-white px-1.5 py-0.5 text-xs"
    >
      {CHOICES.map((n) => (
        <option key={n ?? 'none'} value={n ?? ''}>
          {n === null ? 'No limit' : `Limit ${n}`}
        </option>
      ))}
    </select>
  );
}
