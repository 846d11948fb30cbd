/** One browser entry of a published package. */
export interface BrowserEntry {
  name: string;
  subpath: string;
  file: string;
  external: string[];
}
/** Byte sizes of one bundled entry. */
export interface EntrySize {
  minified: number;
  gzip: number;
}
export function browserEntries(): BrowserEntry[];
export function measure(entry: BrowserEntry): Promise<EntrySize>;
export function readBudgets(): Record<string, Record<string, number>>;
export function checkBudgets(
  sizes: readonly { name: string; subpath: string; gzip: number }[],
  budgets: Record<string, Record<string, number>>,
): string[];
