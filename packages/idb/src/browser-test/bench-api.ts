/** What the benchmark page (`bench-page.ts`) puts on `window`. */
export interface BenchPageApi {
  /**
   * ms per round (`batches` × `size` events) for the store (events without ids), the store
   * with caller-given ids (checked for repeats), and raw puts of the same records.
   */
  append(
    rounds: number,
    batches: number,
    size: number,
  ): Promise<{ store: number[]; raw: number[]; storeWithIds: number[] }>;
  /** ms per read of one `events`-event stream, store vs raw index getAll. */
  read(rounds: number, events: number): Promise<{ store: number[]; raw: number[] }>;
}

declare global {
  interface Window {
    tidelogBench: BenchPageApi;
  }
}
