/** The error `fetch` rejects with when its signal aborts. */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('the request was aborted', 'AbortError');
}

/**
 * `work`, or a rejection as soon as `signal` aborts, as a real `fetch` does. The work
 * itself goes on (an in-process server cannot be interrupted), only the caller stops waiting.
 *
 * @example
 * const response = await raceAbort(app.fetch(request), request.signal);
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | null | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
