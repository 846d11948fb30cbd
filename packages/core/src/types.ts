/** A JSON value: what event data, payloads and metadata are made of. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object: the shape of every event's `data`. */
export type JsonObject = { [key: string]: Json };

/** An event as the app writes it. */
export interface NewEvent<T extends string = string, D = JsonObject> {
  type: T;
  data: D;
}

/** Metadata carried by every envelope; apps may add their own JSON fields. */
export interface EventMeta {
  /** ISO-8601 UTC time the event was made. */
  timestamp: string;
  /** The device (or server producer) that made the event. */
  clientId: string;
  commandId?: string;
  correlationId?: string;
  causationId?: string;
  [key: string]: Json | undefined;
}

/** An event as stored and synced. */
export interface Envelope<T extends string = string, D = JsonObject> {
  /** UUIDv7, minted where the event was made: the idempotency key everywhere. */
  id: string;
  streamId: string;
  /** 1, 2, 3 … within the stream, gapless. */
  version: number;
  type: T;
  schemaVersion: number;
  data: D;
  meta: EventMeta;
  /** Global order in a store or space; present once an authority has accepted the event. */
  position?: number;
}

/** An envelope that an authority (local store or server) has ordered. */
export type PositionedEnvelope<T extends string = string, D = JsonObject> = Envelope<T, D> & {
  position: number;
};

/**
 * What an append expects of the stream: an exact version (0 = no stream yet),
 * `'any'`, `'no_stream'` or `'stream_exists'`.
 */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'stream_exists';

/** An event handed to `EventStore.appendToStream`; missing fields are filled in by the store. */
export interface AppendEvent {
  id?: string;
  type: string;
  data: JsonObject;
  schemaVersion?: number;
  meta?: Partial<EventMeta>;
}

/** What an append did (or, for an idempotent repeat, what the original append did). */
export interface AppendResult {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  fromPosition: number;
  toPosition: number;
  events: PositionedEnvelope[];
}
