import type { Envelope, Json, JsonObject } from '@tidelog/core';
import { defineProjection, type ProjectionHandler } from '@tidelog/core';
import { Board } from './board.js';
import { Card } from './card.js';

/** One event as the devtools show it. `position` null: still pending on this device. */
export interface LogEntry {
  id: string;
  streamId: string;
  version: number;
  position: number | null;
  type: string;
  data: JsonObject;
  timestamp: string;
  clientId: string;
}

export interface EventLogState {
  /** The last `LOG_SIZE` events, oldest first: confirmed ones in server order, then pending ones. */
  entries: LogEntry[];
  /** Events seen in all (the log keeps only the last ones). */
  total: number;
}

/** How many events the devtools keep (older ones are still in the store and in `load`). */
export const LOG_SIZE = 400;

const record: ProjectionHandler<EventLogState, JsonObject> = (
  s,
  data,
  event: Envelope<string, JsonObject>,
) => {
  s.entries.push({
    id: event.id,
    streamId: event.streamId,
    version: event.version,
    position: (event as { position?: number }).position ?? null,
    type: event.type,
    data: data as { [key: string]: Json },
    timestamp: event.meta.timestamp,
    clientId: event.meta.clientId,
  });
  s.total += 1;
  if (s.entries.length > LOG_SIZE) s.entries.splice(0, s.entries.length - LOG_SIZE);
};

// A projection's handlers go by event type: the log takes every type the app's aggregates know.
const handlers = new Map<string, typeof record>();
for (const aggregate of [Board, Card])
  for (const type of Object.keys(aggregate.events)) handlers.set(type, record);

/**
 * The devtools' event log: a projection like any other, so it runs where the runtime runs
 * (the SharedWorker) and shows confirmed events with their positions and this device's
 * pending events on top, the way the runtime itself sees them.
 */
export const EventLog = defineProjection({
  name: 'devtools-event-log',
  version: 1,
  initialState: { entries: [], total: 0 } as EventLogState,
  events: Object.fromEntries(handlers) as Record<string, ProjectionHandler<EventLogState, never>>,
});
