import type { RejectedCommand } from '@tidelog/core';
import type { Tidelog } from '../runtime.js';
import type { SyncStatus } from '../sync/host.js';
import type { AggregateSnapshot, DeadLetter, ExecuteOptions, LoadOptions, TidelogWarning } from '../types.js';
import { whenFree } from './locks.js';
import { type Push, subscribeTarget, type Target } from './targets.js';

export type { Push, Target } from './targets.js';

export interface Hello {
  storage: string;
  warnings: TidelogWarning[];
  clientId: string;
  /** The runtime instance: equal for all pages served by the same worker. */
  instanceId: string;
  /** The sync status when the page connected (`sync.getSnapshot()` until the first push). */
  sync: SyncStatus;
  /**
   * A Web Lock the worker holds for as long as it lives: when a page gets it, the worker
   * is gone. Undefined in-page and where there are no Web Locks.
   */
  lifeLock?: string;
}

/** The per-connection API a runtime serves to one page (over comlink, or directly in-page). */
export interface TidelogSession {
  /** `tabLock`: a Web Lock the page holds while it lives; when it frees up, the session ends. */
  hello(tabLock?: string): Promise<Hello>;
  listen(push: (message: Push) => void): Promise<void>;
  execute(
    aggregateType: string,
    streamId: string,
    command: string,
    payload: unknown,
    options?: ExecuteOptions,
  ): Promise<{ events: unknown[]; state: unknown; version: number }>;
  load(aggregateType: string, streamId: string, options?: LoadOptions): Promise<AggregateSnapshot<unknown>>;
  subscribe(subId: number, target: Target): Promise<void>;
  unsubscribe(subId: number): Promise<void>;
  rebuildProjection(name: string): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  retryDeadLetter(id: string): Promise<boolean>;
  clearDeadLetters(ids?: readonly string[]): Promise<void>;
  syncNow(): Promise<SyncStatus>;
  /** Pause the runtime's sync loop; resolves with its status after. */
  syncPause(): Promise<SyncStatus>;
  /** Resume the runtime's sync loop; resolves with its status after. */
  syncResume(): Promise<SyncStatus>;
  rejected(): Promise<RejectedCommand[]>;
  retryRejected(commandId: string): Promise<void>;
  discardRejected(commandIds?: readonly string[]): Promise<void>;
  settled(): Promise<void>;
  /** End the session: drop its subscriptions and its push channel. */
  disconnect(): Promise<void>;
  /** Live listeners in the runtime, all sessions together (a leak check). */
  liveListeners(): Promise<number>;
}

export interface SessionHooks {
  /** Called once when the session ends (close the port, say). */
  onEnd?: () => void;
  /** Release the page's push callback (a comlink proxy) when the session ends. */
  releasePush?: (push: (message: Push) => void) => void;
  /** The worker's life lock, handed to the page in `hello` (see `Hello.lifeLock`). */
  lifeLock?: Promise<string | undefined>;
}

/**
 * A session on a runtime for one connection. Everything it subscribed is released on
 * `disconnect()` or when its page's tab lock frees up (the tab closed).
 *
 * @example
 * const session = createSession(runtimePromise, { onEnd: () => port.close() });
 */
export function createSession(runtime: Promise<Tidelog>, hooks: SessionHooks = {}): TidelogSession {
  const subs = new Map<number, () => void>();
  let push: ((message: Push) => void) | undefined;
  let ended = false;
  const send = (message: Push) => {
    // The page may be gone already; a failed push must not disturb the runtime.
    Promise.resolve(push?.(message)).catch(() => undefined);
  };
  const end = async () => {
    if (ended) return;
    ended = true;
    for (const off of subs.values()) off();
    subs.clear();
    const p = push;
    push = undefined;
    if (p) {
      try {
        hooks.releasePush?.(p);
      } catch {
        // The other side is gone already: nothing left to release.
      }
    }
    hooks.onEnd?.();
  };
  return {
    async hello(tabLock) {
      const rt = await runtime;
      if (tabLock) whenFree(tabLock, () => void end());
      return {
        // Awaited first: the rest is read as the page is answered.
        lifeLock: await hooks.lifeLock,
        storage: rt.storage,
        warnings: [...rt.warnings],
        clientId: rt.clientId,
        instanceId: rt.instanceId,
        sync: rt.sync.getSnapshot(),
      };
    },
    async listen(fn) {
      await runtime;
      push = fn;
    },
    async execute(aggregateType, streamId, command, payload, options) {
      // Untyped: the page's command and payload are checked by the aggregate, not the compiler.
      const rt = (await runtime) as unknown as Pick<Tidelog, 'aggregateByType'> & {
        execute(
          a: unknown,
          s: string,
          c: string,
          p: unknown,
          o?: ExecuteOptions,
        ): ReturnType<Tidelog['execute']>;
      };
      return rt.execute(rt.aggregateByType(aggregateType), streamId, command, payload, options);
    },
    async load(aggregateType, streamId, options) {
      const rt = await runtime;
      return rt.load(rt.aggregateByType(aggregateType), streamId, options);
    },
    async subscribe(subId, target) {
      const rt = await runtime;
      if (ended) return;
      subs.get(subId)?.();
      subs.set(subId, subscribeTarget(rt, target, subId, send));
    },
    async unsubscribe(subId) {
      subs.get(subId)?.();
      subs.delete(subId);
    },
    async rebuildProjection(name) {
      await (await runtime).rebuildProjection(name);
    },
    async deadLetters() {
      return (await runtime).deadLetters();
    },
    async retryDeadLetter(id) {
      return (await runtime).retryDeadLetter(id);
    },
    async clearDeadLetters(ids) {
      await (await runtime).clearDeadLetters(ids);
    },
    async syncNow() {
      return (await runtime).sync.now();
    },
    async syncPause() {
      const rt = await runtime;
      rt.sync.pause();
      return rt.sync.getSnapshot();
    },
    async syncResume() {
      const rt = await runtime;
      rt.sync.resume();
      return rt.sync.getSnapshot();
    },
    async rejected() {
      return (await runtime).rejected();
    },
    async retryRejected(commandId) {
      await (await runtime).retryRejected(commandId);
    },
    async discardRejected(commandIds) {
      await (await runtime).discardRejected(commandIds);
    },
    async settled() {
      await (await runtime).settled();
    },
    disconnect: end,
    async liveListeners() {
      return (await runtime).debug().listeners;
    },
  };
}
