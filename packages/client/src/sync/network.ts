import type { Unsubscribe } from '../types.js';

/** Where the platform says whether the device is online (`navigator.onLine` and its events). */
export interface NetworkWatch {
  /** False only when the platform is sure the device is offline. */
  online(): boolean;
  /** Be told when the device goes online (`true`) or offline (`false`). */
  subscribe(listener: (online: boolean) => void): Unsubscribe;
}

interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * The platform's network signal: `online`/`offline` events of the global scope (a window,
 * a SharedWorker or a Worker has them), `navigator.onLine` for the start. Where neither
 * exists (Node) the device counts as online and only failed requests say otherwise.
 *
 * @example
 * const net = platformNetwork();
 * const off = net.subscribe((online) => console.log(online ? 'back' : 'gone'));
 */
export function platformNetwork(scope: unknown = globalThis): NetworkWatch {
  const target = scope as Partial<EventTargetLike> & { navigator?: { onLine?: unknown } };
  const events =
    typeof target.addEventListener === 'function' && typeof target.removeEventListener === 'function';
  return {
    online: () => target.navigator?.onLine !== false,
    subscribe(listener) {
      if (!events) return () => undefined;
      const on = () => listener(true);
      const off = () => listener(false);
      const t = target as EventTargetLike;
      t.addEventListener('online', on);
      t.addEventListener('offline', off);
      return () => {
        t.removeEventListener('online', on);
        t.removeEventListener('offline', off);
      };
    },
  };
}
