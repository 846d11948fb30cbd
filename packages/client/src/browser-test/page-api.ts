// Types only: what `window.tl` and `window.sync` offer the browser tests (see app-page.ts, sync-page.ts).
import type { PageApi } from './app-page.js';
import type { SyncPageApi } from './sync-page.js';

declare global {
  interface Window {
    tl: PageApi;
    sync: SyncPageApi;
  }
}
