/** What the benchmark page (`bench-page.ts`) puts on `window`. */
export interface BenchPageApi {
  /** ms per round for the store and for raw puts: `rounds` rounds of `batches` × `size` events. */
  append(rounds: number, batches: number, size: number): Promise<{ store: number[]; raw: number[] }>;
  /** ms per read of one `events`-event stream, store vs raw index getAll. */
  read(rounds: number, events: number): Promise<{ store: number[]; raw: number[] }>;
}

declare global {
  interface Window {
    tidelogBench: BenchPageApi;
  }
}
