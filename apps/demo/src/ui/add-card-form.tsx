import { type FormEvent, useId, useState } from 'react';
import type { Column } from '../domain/board.js';

/** "Add a card" at the foot of a column: a button that opens a one-line form (Enter adds, Escape closes). */
export function AddCardForm({
  column,
  full,
  onAdd,
}: {
  column: Column;
  full: boolean;
  onAdd: (columnId: string, title: string) => Promise<boolean>;
}) {
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const id = useId();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    if (await onAdd(column.id, title)) setTitle('');
  };
  if (!open) {
    return (
      <button
        type="button"
        onClick={() => setOpen(true)}
        disabled={full}
        title={full ? `${column.name} is at its WIP limit` : undefined}
        className="mx-2 mb-2 rounded-lg px-2 py-1.5 text-left text-sm text-slate-600 hover:bg-slate-300/60 disabled:cursor-not-allowed disabled:text-slate-400 disabled:hover:bg-transparent"
      >
        + Add a card
      </button>
    );
  }
  return (
    <form onSubmit={submit} className="mx-2 mb-2 flex flex-col gap-2">
      <label htmlFor={id} className="sr-only">
        New card title in {column.name}
      </label>
      <input
        id={id}
        // biome-ignore lint/a11y/noAutofocus: the form opens on a click that asks to type a title
        autoFocus
        value={title}
        maxLength={120}
        onChange={(e) => setTitle(e.target.value)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
        placeholder="What needs doing?"
        className="rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500"
      />
      <div className="flex gap-2">
        <button
          type="submit"
          className="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-700"
        >
          Add
        </button>
        <button
          type="button"
          onClick={() => setOpen(false)}
          className="rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-300/60"
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
