import { useMemo, useState } from 'react';
import { BoardView } from './board-view.js';
import { Devtools } from './devtools/devtools.js';
import { Header } from './header.js';
import { NoticeProvider } from './notices.js';
import { OverviewBar } from './overview-bar.js';
import { RejectedPanel } from './rejected-panel.js';
import { SyncBanner } from './sync-banner.js';
import { type Travel, TravelContext } from './travel.js';

/** The demo app: header, refused changes, overview, the board, and the devtools beside it. */
export function App({ board, mode }: { board: string; mode: string }) {
  const [devtools, setDevtools] = useState(false);
  const [travel, setTravel] = useState<Travel | null>(null);
  const travelValue = useMemo(() => ({ travel, setTravel }), [travel]);
  return (
    <NoticeProvider>
      <TravelContext.Provider value={travelValue}>
        <div className="flex h-full flex-col">
          <Header
            board={board}
            devtoolsOpen={devtools}
            onToggleDevtools={() => setDevtools((open) => !open)}
          />
          <div className="flex min-h-0 flex-1">
            <main className="min-w-0 flex-1 overflow-y-auto">
              <SyncBanner />
              <RejectedPanel />
              <OverviewBar />
              <BoardView />
            </main>
            {devtools && <Devtools mode={mode} onClose={() => setDevtools(false)} />}
          </div>
        </div>
      </TravelContext.Provider>
    </NoticeProvider>
  );
}
