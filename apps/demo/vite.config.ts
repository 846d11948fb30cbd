import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Workspace packages resolve to their TypeScript source (the `source` export condition), so
// the demo builds without building the packages first; Vite's defaults follow it.
const conditions = ['source', 'module', 'browser', 'development|production'];

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { conditions },
  // The runtime runs in a module SharedWorker (`type: 'module'`), so its bundle is ESM.
  worker: { format: 'es' },
  // `npm run dev` in apps/demo: the sync API comes from `npm start` on port 8787.
  server: { proxy: { '/v1': 'http://127.0.0.1:8787', '/healthz': 'http://127.0.0.1:8787' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Rolldown's report of slow plugins is noise on a busy machine, not a problem to fix.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
