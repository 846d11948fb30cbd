import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

interface Notice {
  id: number;
  text: string;
}

const NoticeContext = createContext<(text: string) => void>(() => undefined);

/** Say something briefly (a refused command, a failed retry): `useNotify()('…')`. */
export const useNotify = () => useContext(NoticeContext);

/** The reason of an error a command rejected with, as a person reads it. */
export const reasonOf = (error: unknown): string =>
  error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
    ? String((error as { message: unknown }).message)
    : String(error);

let nextId = 1;

/** Notices at the bottom of the screen, announced to screen readers; each closes itself or on click. */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((n) => n.id !== id)), []);
  const notify = useCallback(
    (text: string) => {
      const id = nextId++;
      setNotices((all) => [...all.slice(-2), { id, text }]);
      setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NoticeContext.Provider value={value}>
      {children}
      <div
        aria-live="polite"
        className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4"
      >
        {notices.map((n) => (
          <button
            type="button"
            key={n.id}
            onClick={() => dismiss(n.id)}
            className="pointer-events-auto max-w-md rounded-lg bg-slate-900 px-4 py-2.5 text-left text-sm text-white shadow-lg"
          >
            {n.text}
          </button>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}
