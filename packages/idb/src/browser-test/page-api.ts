/** What the store test page (`store-page.ts`) puts on `window`, for the Node side to call. */
export interface StorePageApi {
  /** Run one conformance case (`suite` 'event' or 'local') against a fresh store. */
  runCase(suite: 'event' | 'local', name: string): Promise<CaseOutcome>;
  /** Run one of `knownHeadsCases` (two stores on one database, stale knowledge). */
  runKnownHeadsCase(name: string): Promise<CaseOutcome>;
  /**
   * Start a pending append of `count` events on `streamId` in database `db` and hold its
   * transaction open once its chunk is put (all `count` events, one record); resolves
   * then, while it is uncommitted.
   */
  holdAppend(db: string, streamId: string, count: number): Promise<'holding'>;
  /** Open the store on `db` and describe one stream, its pending events and the outbox. */
  inspect(db: string, streamId: string): Promise<{ versions: number[]; pending: number; outbox: number }>;
  /** Append `batches` batches of `size` events to `streamId` with expectedVersion 'any'. */
  appendMany(db: string, streamId: string, batches: number, size: number): Promise<void>;
  /** Append with `expectedVersion: 'no_stream'`: the error code, or 'ok'. */
  appendFirst(db: string, streamId: string): Promise<string>;
  /** Append one event of `bytes` characters: the error code, or 'ok'. */
  appendBlob(db: string, streamId: string, bytes: number): Promise<string>;
}

export interface CaseOutcome {
  ok: boolean;
  error?: string;
}

declare global {
  interface Window {
    tidelog: StorePageApi;
  }
}
