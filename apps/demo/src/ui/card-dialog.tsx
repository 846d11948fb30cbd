import { useAggregate, useCommand } from '@tidelog/react';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { BOARD_STREAM, Board } from '../domain/board.js';
import { Card, cardStream } from '../domain/card.js';
import { reasonOf, useNotify } from './notices.js';

/** Edit a card's title and notes, or archive it. A modal `<dialog>`: Escape closes it. */
export function CardDialog({ cardId, onClose }: { cardId: string; onClose: () => void }) {
  const { state } = useAggregate(Card, cardStream(cardId));
  const runCard = useCommand(Card);
  const runBoard = useCommand(Board);
  const notify = useNotify();
  const dialog = useRef<HTMLDialogElement>(null);
  const [title, setTitle] = useState(state.title);
  const [notes, setNotes] = useState(state.notes);
  const titleId = useId();
  const notesId = useId();
  // Opened once mounted; never closed from a cleanup: closing fires `close`, which would
  // unmount the dialog the moment React's development double-run of effects re-mounts it.
  useEffect(() => {
    const el = dialog.current;
    if (el && !el.open) el.showModal();
  }, []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await runCard(cardStream(cardId), 'edit', { title, notes });
      onClose();
    } catch (error) {
      notify(reasonOf(error));
    }
  };
  const archive = async () => {
    try {
      await runBoard(BOARD_STREAM, 'archiveCard', { cardId });
      onClose();
    } catch (error) {
      notify(reasonOf(error));
    }
  };
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby={titleId}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl p-0 shadow-2xl backdrop:bg-slate-900/40"
    >
      <form onSubmit={save} className="flex flex-col gap-4 p-5">
        <h2 className="text-lg font-semibold text-slate-900">Edit card</h2>
        <label htmlFor={titleId} className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Title
          <input
            id={titleId}
            value={title}
            maxLength={120}
            required
            onChange={(e) => setTitle(e.target.value)}
            className="rounded-lg border border-slate-300 px-3 py-2 font-normal outline-none focus:border-indigo-500"
          />
        </label>
        <label htmlFor={notesId} className="flex flex-col gap-1 text-sm font-medium text-slate-700">
          Notes
          <textarea
            id={notesId}
            value={notes}
            maxLength={2000}
            rows={4}
            onChange={(e) => setNotes(e.target.value)}
            className="rounded-lg border border-slate-300 px-3 py-2 font-normal outline-none focus:border-indigo-500"
          />
        </label>
        <div className="flex items-center gap-2">
          <button
            type="button"
            onClick={archive}
            className="rounded-md px-3 py-2 text-sm font-medium text-rose-700 hover:bg-rose-50"
          >
            Archive
          </button>
          <button
            type="button"
            onClick={onClose}
            className="ml-auto rounded-md px-3 py-2 text-sm text-slate-600 hover:bg-slate-100"
          >
            Cancel
          </button>
          <button
            type="submit"
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
          >
            Save
          </button>
        </div>
      </form>
    </dialog>
  );
}
