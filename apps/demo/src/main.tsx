/**
 * The demo's page: read the board from the URL, connect to the board's runtime (a
 * SharedWorker shared by every tab, with Tidelog's fallbacks) and render the app.
 */
import { connectTidelog } from '@tidelog/client/worker';
import { TidelogProvider } from '@tidelog/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { aggregates } from './domain/aggregates.js';
import { boardFromPath, boardPath, DEFAULT_BOARD, runtimeName } from './space.js';
import './styles.css';
import { App } from './ui/app.js';
import { BadBoard } from './ui/bad-board.js';
import workerUrl from './worker.ts?worker&url';

async function start(root: HTMLElement): Promise<void> {
  const route = boardFromPath(location.pathname);
  if (route.kind === 'home') history.replaceState(null, '', boardPath(DEFAULT_BOARD));
  if (route.kind === 'invalid') {
    createRoot(root).render(<BadBoard asked={route.asked} />);
    return;
  }
  const board = route.kind === 'ok' ? route.board : DEFAULT_BOARD;
  document.title = `${board} · Tidelog board`;
  const sync = { url: location.origin, space: board };
  const tidelog = await connectTidelog({
    name: runtimeName(board),
    url: workerUrl,
    aggregates,
    sync,
    // Only where neither SharedWorker nor Worker + Web Locks exist: the runtime in this page.
    createRuntime: async (init) => (await import('./runtime.js')).createDemoRuntime(board, init),
  });
  createRoot(root).render(
    <StrictMode>
      <TidelogProvider tidelog={tidelog}>
        <App board={board} mode={tidelog.mode} />
      </TidelogProvider>
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) {
  start(root).catch((error: unknown) => {
    console.error('tidelog demo: could not start', error);
    root.textContent = `The board could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
