// Types only: what `window.tl` offers the browser tests (see app-page.ts).
import type { PageApi } from './app-page.js';

declare global {
  interface Window {
    tl: PageApi;
  }
}
