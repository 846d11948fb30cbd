import { useProjection } from '@tidelog/react';
import { EventLog, type LogEntry } from '../../domain/event-log.js';
import { StreamLabel } from './stream-label.js';

/** The event log, newest first: stream, version, position (or pending), type, time. */
export function EventLogView({
  selected,
  onSelect,
}: {
  selected: string | null;
  onSelect: (entry: LogEntry) => void;
}) {
  const { state, pending } = useProjection(EventLog);
  if (pending) return <p className="p-3 text-sm text-slate-400">Loading the log…</p>;
  const entries = [...state.entries].reverse();
  return (
    <div className="min-h-0 flex-1 overflow-auto">
      <table className="w-full border-collapse text-left text-xs" data-testid="event-log">
        <caption className="sr-only">Events of this board, newest first</caption>
        <thead className="sticky top-0 bg-slate-900 text-slate-400">
          <tr>
            <th scope="col" className="px-3 py-1.5 font-medium">
              Pos
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Stream
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              v
            </th>
            <th scope="col" className="px-2 py-1.5 font-medium">
              Type
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr
              key={e.id}
              data-testid="log-row"
              data-pending={e.position === null}
              data-stream-id={e.streamId}
              data-version={e.version}
              aria-selected={selected === e.id}
              className={`cursor-pointer border-t border-slate-800 ${selected === e.id ? 'bg-indigo-500/25' : 'hover:bg-slate-800'}`}
              onClick={() => onSelect(e)}
            >
              <td className="px-3 py-1.5 tabular-nums">
                {e.position === null ? (
                  <span className="rounded bg-amber-400/20 px-1 text-amber-300">pending</span>
                ) : (
                  <span className="text-emerald-300">#{e.position}</span>
                )}
              </td>
              <td className="px-2 py-1.5 text-slate-300">
                <StreamLabel streamId={e.streamId} />
              </td>
              <td className="px-2 py-1.5 tabular-nums text-slate-400">{e.version}</td>
              <td className="px-2 py-1.5">
                <button
                  type="button"
                  onClick={(event) => {
                    event.stopPropagation();
                    onSelect(e);
                  }}
                  className="font-mono text-slate-100 hover:text-indigo-300"
                >
                  {e.type}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {state.total > state.entries.length && (
        <p className="px-3 py-2 text-[11px] text-slate-500">
          Showing the last {state.entries.length} of {state.total} events.
        </p>
      )}
    </div>
  );
}
