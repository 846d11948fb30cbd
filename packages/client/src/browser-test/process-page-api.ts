// Types only: what `window.pm` offers the process-manager browser test (see process-page.ts).
import type { ProcessPageApi } from './process-page.js';

declare global {
  interface Window {
    pm: ProcessPageApi;
  }
}
