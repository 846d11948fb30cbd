import { useSyncStatus, useTidelog } from '@tidelog/react';

type SyncState = ReturnType<typeof useSyncStatus>['state'];

const LABELS: Record<SyncState, { text: string; dot: string }> = {
  idle: { text: 'Up to date', dot: 'bg-emerald-400' },
  live: { text: 'Live', dot: 'bg-emerald-400' },
  pushing: { text: 'Sending…', dot: 'bg-sky-400 animate-pulse' },
  pulling: { text: 'Receiving…', dot: 'bg-sky-400 animate-pulse' },
  paused: { text: 'Offline', dot: 'bg-amber-400' },
  offline: { text: 'No connection', dot: 'bg-amber-400' },
  error: { text: 'Sync error', dot: 'bg-rose-500' },
  reset: { text: 'Server reset', dot: 'bg-rose-500' },
};

/** The top bar: the board, the sync status with the pending count, the offline switch, devtools. */
export function Header({
  board,
  devtoolsOpen,
  onToggleDevtools,
}: {
  board: string;
  devtoolsOpen: boolean;
  onToggleDevtools: () => void;
}) {
  const tidelog = useTidelog();
  const status = useSyncStatus();
  const label = LABELS[status.state];
  const offline = status.state === 'paused';
  return (
    <header className="flex flex-wrap items-center gap-x-3 gap-y-2 bg-slate-900 px-3 py-2.5 text-white sm:flex-nowrap sm:px-5">
      <a
        href="/"
        className="flex shrink-0 items-center gap-2 font-semibold tracking-tight"
        aria-label="Tidelog home"
      >
        <img src="/favicon.svg" alt="" className="size-7" />
        <span className="hidden sm:inline">Tidelog</span>
      </a>
      <h1 className="min-w-0 flex-1 truncate text-base font-medium text-slate-200 sm:text-lg">
        <span className="text-slate-500">/ </span>
        {board}
      </h1>
      <div className="flex w-full items-center justify-between gap-2 sm:ml-auto sm:w-auto sm:justify-end sm:gap-3">
        <output
          data-testid="sync-status"
          data-state={status.state}
          data-pending={status.pending}
          title={status.lastError ? `${status.lastError.code}: ${status.lastError.message}` : undefined}
          className="flex items-center gap-2 whitespace-nowrap rounded-full bg-white/10 px-2.5 py-1 text-xs font-medium sm:text-sm"
        >
          <span aria-hidden="true" className={`size-2 rounded-full ${label.dot}`} />
          <span>{label.text}</span>
          {status.pending > 0 && (
            <span className="rounded-full bg-amber-400 px-1.5 text-[11px] font-semibold text-slate-900">
              {status.pending}
              <span className="sr-only"> not yet sent</span>
            </span>
          )}
        </output>
        <button
          type="button"
          role="switch"
          aria-checked={offline}
          onClick={() => (offline ? tidelog.sync.resume() : tidelog.sync.pause())}
          className="flex items-center gap-2 rounded-md px-1.5 py-1 text-xs text-slate-300 hover:bg-white/10 sm:text-sm"
        >
          <span
            aria-hidden="true"
            className={`relative inline-flex h-5 w-9 items-center rounded-full transition ${offline ? 'bg-amber-400' : 'bg-slate-600'}`}
          >
            <span
              className={`inline-block size-4 rounded-full bg-white shadow transition ${offline ? 'translate-x-4.5' : 'translate-x-0.5'}`}
            />
          </span>
          <span>Work offline</span>
        </button>
        <button
          type="button"
          aria-pressed={devtoolsOpen}
          onClick={onToggleDevtools}
          className={`rounded-md px-2.5 py-1 text-xs font-medium sm:text-sm ${devtoolsOpen ? 'bg-indigo-500 text-white' : 'bg-white/10 text-slate-200 hover:bg-white/20'}`}
        >
          Devtools
        </button>
      </div>
    </header>
  );
}
