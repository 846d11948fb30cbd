import { useSyncStatus, useTidelog } from '@tidelog/react';

const box = 'mx-4 mt-4 flex flex-wrap items-center gap-3 rounded-xl border px-4 py-3 text-sm sm:mx-6';
const button = 'ml-auto rounded-md px-3 py-1 font-medium text-white';

/**
 * When sync has stopped and needs the user: the server's log was reset (continue on top of
 * it), the background worker is gone (reload), or another error (try again).
 */
export function SyncBanner() {
  const tidelog = useTidelog();
  const { state, lastError } = useSyncStatus();
  if (state === 'reset') {
    return (
      <section role="alert" className={`${box} border-amber-300 bg-amber-50 text-amber-950`}>
        <p>
          The server’s data was reset (restored or wiped). Your changes that were not sent yet will be applied
          on top of what it has now.
        </p>
        <button
          type="button"
          onClick={() => tidelog.sync.resume()}
          className={`${button} bg-amber-600 hover:bg-amber-700`}
        >
          Continue
        </button>
      </section>
    );
  }
  if (state !== 'error' || !lastError) return null;
  const lost = lastError.code === 'WORKER_LOST';
  return (
    <section role="alert" className={`${box} border-rose-200 bg-rose-50 text-rose-950`}>
      <p>
        {lost ? 'The board stopped running in the background.' : `Sync stopped: ${lastError.message}`}{' '}
        <span className="text-rose-600/70">({lastError.code})</span>
      </p>
      <button
        type="button"
        onClick={() => (lost ? location.reload() : tidelog.sync.resume())}
        className={`${button} bg-rose-600 hover:bg-rose-700`}
      >
        {lost ? 'Reload' : 'Try again'}
      </button>
    </section>
  );
}
