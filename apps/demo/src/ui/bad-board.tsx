import { boardPath, DEFAULT_BOARD } from '../space.js';

/** The page for a URL that names no board. */
export function BadBoard({ asked }: { asked: string }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-20 text-slate-700">
      <h1 className="text-2xl font-semibold text-slate-900">No such board</h1>
      <p className="mt-3">
        “{asked}” is not a board name. Board names are up to 64 lower-case letters, digits, dots, dashes and
        underscores, and live under <code className="rounded bg-slate-200 px-1">/b/</code>.
      </p>
      <a className="mt-6 inline-block font-medium text-indigo-600 underline" href={boardPath(DEFAULT_BOARD)}>
        Open the “{DEFAULT_BOARD}” board
      </a>
    </main>
  );
}
