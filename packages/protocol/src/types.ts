import type { Envelope, EventMeta, ExpectedVersion, JsonObject, PositionedEnvelope } from '@tidelog/core';

/** An event as a client pushes it: an envelope without a position. */
export type PushedEvent = Omit<Envelope, 'position'>;

/** `POST /v1/spaces/:space/push` request body. */
export interface PushRequest {
  clientId: string;
  events: PushedEvent[];
}

/** One stream's group of events accepted by a push. */
export interface AcceptedGroup {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  fromPosition: number;
  toPosition: number;
}

/** A stream group (or a single id) rejected by a push. */
export interface PushConflict {
  streamId: string;
  expectedVersion: number;
  actualVersion: number;
  /** Present when an event id is already stored with another stream or version. */
  id?: string;
}

/** `POST /v1/spaces/:space/push` 200 response body. */
export interface PushResponse {
  accepted: AcceptedGroup[];
  duplicates: { id: string; position: number }[];
  conflicts: PushConflict[];
  head: number;
  serverId: string;
}

/** `GET /v1/spaces/:space/pull` query, parsed (defaults applied, limit clamped). */
export interface PullQuery {
  after: number;
  limit: number;
}

/** `GET /v1/spaces/:space/pull` 200 response body. */
export interface PullResponse {
  events: PositionedEnvelope[];
  head: number;
  hasMore: boolean;
  serverId: string;
}

/** `GET /v1/spaces/:space/subscribe`: where to start (`Last-Event-ID` wins over `after`). */
export interface SubscribeQuery {
  after: number;
}

/** The `data` of each `event: events` SSE message. */
export interface EventsMessage {
  events: PositionedEnvelope[];
}

/** `GET /v1/spaces/:space/streams/:streamId` query: first version to read (default 1), page size. */
export interface StreamReadQuery {
  from: number;
  limit: number;
}

/**
 * `GET /v1/spaces/:space/streams/:streamId` 200 response body: one page, ascending by
 * version; `hasMore` when the stream holds events after the page's last.
 */
export interface StreamReadResponse {
  events: PositionedEnvelope[];
  version: number;
  hasMore: boolean;
}

/** One event of an append: the server mints a missing id and fills meta in. */
export interface AppendEventInput {
  id?: string;
  type: string;
  data: JsonObject;
  schemaVersion?: number;
  meta?: Partial<EventMeta>;
}

/** `POST /v1/spaces/:space/streams/:streamId` request body (`expectedVersion` defaults to "any"). */
export interface StreamAppendRequest {
  expectedVersion: ExpectedVersion;
  events: AppendEventInput[];
}

/** `POST /v1/spaces/:space/streams/:streamId` 200 response body. */
export interface StreamAppendResponse {
  fromVersion: number;
  toVersion: number;
  fromPosition: number;
  toPosition: number;
}

/** `GET /healthz` 200 response body. */
export interface HealthResponse {
  ok: true;
}
