import { useState } from 'react';
import type { LogEntry } from '../../domain/event-log.js';
import { useTravel } from '../travel.js';
import { EventLogView } from './event-log-view.js';
import { TimeTravel } from './time-travel.js';

/**
 * The devtools: every event of the board (confirmed with its server position, or pending
 * on this device), the data of the one selected, and its stream's state at any version.
 */
export function Devtools({ mode, onClose }: { mode: string; onClose: () => void }) {
  const [selected, setSelected] = useState<LogEntry | null>(null);
  const { setTravel } = useTravel();
  const select = (entry: LogEntry) => {
    setSelected(entry);
    setTravel({ streamId: entry.streamId, version: entry.version });
  };
  return (
    <aside
      aria-label="Devtools"
      className="fixed inset-x-0 bottom-0 z-40 flex h-[55vh] flex-col border-t border-slate-800 bg-slate-900 text-slate-200 shadow-2xl lg:static lg:h-auto lg:w-[26rem] lg:border-t-0 lg:border-l"
    >
      <header className="flex items-center gap-2 border-b border-slate-800 px-3 py-2">
        <h2 className="text-sm font-semibold">Devtools</h2>
        <span
          className="rounded bg-slate-800 px-1.5 py-0.5 text-[11px] text-slate-400"
          title="Where the runtime runs"
        >
          {mode}
        </span>
        <span className="ml-auto text-[11px] text-slate-500">Select an event to inspect it</span>
        <button
          type="button"
          onClick={() => {
            setTravel(null);
            onClose();
          }}
          aria-label="Close devtools"
          className="grid size-7 place-items-center rounded text-slate-400 hover:bg-slate-800 hover:text-white"
        >
          ×
        </button>
      </header>
      <EventLogView selected={selected?.id ?? null} onSelect={select} />
      {selected && <TimeTravel key={selected.streamId} entry={selected} />}
    </aside>
  );
}
