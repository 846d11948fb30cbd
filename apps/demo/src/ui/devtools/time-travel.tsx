import { useAggregate } from '@tidelog/react';
import { useId } from 'react';
import type { LogEntry } from '../../domain/event-log.js';
import { useStateAsOf, useTravel } from '../travel.js';
import { aggregateOf } from './aggregate-of.js';
import { JsonView } from './json-view.js';
import { StreamLabel } from './stream-label.js';

/**
 * The selected event (its data) and its stream through time: a slider over the stream's
 * versions shows the state as of each one, and the board shows it too while it points
 * into the past.
 */
export function TimeTravel({ entry }: { entry: LogEntry }) {
  const { streamId } = entry;
  const aggregate = aggregateOf(streamId);
  const live = useAggregate(aggregate, streamId);
  const { travel, setTravel } = useTravel();
  const sliderId = useId();
  const version = travel?.streamId === streamId ? Math.min(travel.version, live.version) : live.version;
  const state = useStateAsOf(aggregate, streamId, version);
  const atNow = version >= live.version;
  return (
    <div className="flex max-h-[55%] shrink-0 flex-col gap-3 overflow-y-auto border-t border-slate-800 p-3 text-xs">
      <div>
        <h3 className="mb-1 font-semibold text-slate-300">
          {entry.type}{' '}
          <span className="font-normal text-slate-500">
            · <StreamLabel streamId={streamId} /> v{entry.version}
          </span>
        </h3>
        <p className="mb-1 text-slate-500">
          {entry.position === null ? 'Pending on this device' : `Confirmed at position ${entry.position}`} ·{' '}
          {new Date(entry.timestamp).toLocaleTimeString()}
        </p>
        <JsonView value={entry.data} label="Event data" />
      </div>
      <div>
        <label
          htmlFor={sliderId}
          className="mb-1 flex items-center justify-between font-semibold text-slate-300"
        >
          <span>
            Time travel: <StreamLabel streamId={streamId} />
          </span>
          <span className="font-normal tabular-nums text-slate-400" data-testid="travel-version">
            v{version} / {live.version}
          </span>
        </label>
        <input
          id={sliderId}
          type="range"
          min={live.version > 0 ? 1 : 0}
          max={live.version}
          value={version}
          onChange={(e) => {
            const v = Number(e.target.value);
            setTravel(v >= live.version ? null : { streamId, version: v });
          }}
          className="w-full accent-indigo-500"
        />
        <div className="mt-1 flex justify-between">
          <button
            type="button"
            onClick={() => setTravel({ streamId, version: entry.version })}
            className="rounded px-2 py-0.5 text-indigo-300 hover:bg-slate-800"
          >
            State after this event
          </button>
          <button
            type="button"
            disabled={atNow}
            onClick={() => setTravel(null)}
            className="rounded px-2 py-0.5 text-indigo-300 hover:bg-slate-800 disabled:text-slate-600"
          >
            Now
          </button>
        </div>
      </div>
      <JsonView value={state} label={`State of ${streamId} as of version ${version}`} />
    </div>
  );
}
