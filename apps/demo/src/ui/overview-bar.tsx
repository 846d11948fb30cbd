import { useAggregate, useProjection } from '@tidelog/react';
import { BOARD_STREAM, Board } from '../domain/board.js';
import { Overview } from '../domain/overview.js';

const ago = (iso: string | null): string => {
  if (!iso) return 'no activity yet';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
};

/** The board overview (a projection over every stream of the board's space). */
export function OverviewBar() {
  const { state, pending } = useProjection(Overview);
  const { state: board } = useAggregate(Board, BOARD_STREAM);
  if (pending) return null;
  const onBoard = Object.values(state.perColumn).reduce((a, b) => a + b, 0);
  const stats: [string, number][] = [
    ['on the board', onBoard],
    ['moves', state.moves],
    ['edits', state.edits],
    ['archived', state.archived],
  ];
  return (
    <section
      aria-label="Board overview"
      className="flex flex-wrap items-center gap-x-5 gap-y-1 px-4 pt-4 text-sm text-slate-600 sm:px-6"
    >
      {stats.map(([label, n]) => (
        <span key={label}>
          <strong className="font-semibold text-slate-900 tabular-nums">{n}</strong> {label}
        </span>
      ))}
      <span className="text-slate-400">
        {board.columns
          .map((c) => `${c.name} ${Object.hasOwn(state.perColumn, c.id) ? state.perColumn[c.id] : 0}`)
          .join(' · ')}
      </span>
      <span className="ml-auto text-xs text-slate-400">Last change {ago(state.lastActivityAt)}</span>
    </section>
  );
}
