import { type SerializedError, serializeError, uuidv7 } from '@tidelog/core';
import { proxy } from 'comlink';
import { ConnectionLostError } from '../errors.js';
import { reviveError } from './error-transfer.js';
import { whenFree } from './locks.js';
import type { Link } from './remote-client.js';
import type { Push, TidelogSession } from './session.js';

type Method = keyof TidelogSession;

/** Messages on the `tidelog:<name>` BroadcastChannel between a leader tab and followers. */
type Frame =
  | { kind: 'call'; from: string; id: number; method: Method; args: unknown[] }
  | { kind: 'result'; to: string; id: number; value?: unknown; error?: SerializedError }
  | { kind: 'push'; to: string; message: Push }
  | { kind: 'leader'; leaderId: string }
  | { kind: 'ping' };

const channelName = (name: string) => `tidelog:${name}`;

/**
 * The session methods a follower relays as they are (`listen` carries a callback and is
 * relayed apart). A record, not a list, so that a method added to `TidelogSession` and
 * missing here is a compile error rather than `undefined is not a function` in a follower.
 */
const relayed: Record<Exclude<Method, 'listen'>, true> = {
  hello: true,
  execute: true,
  load: true,
  subscribe: true,
  unsubscribe: true,
  rebuildProjection: true,
  deadLetters: true,
  retryDeadLetter: true,
  clearDeadLetters: true,
  syncNow: true,
  syncPause: true,
  syncResume: true,
  rejected: true,
  retryRejected: true,
  discardRejected: true,
  settled: true,
  disconnect: true,
  liveListeners: true,
};

/**
 * A link for a follower tab: the session's calls travel over a BroadcastChannel to the
 * leader tab, which relays them to its dedicated worker. `onNewLeader` runs when another
 * tab takes over (the old one closed): calls in flight then fail with `CONNECTION_LOST`
 * and the client subscribes again.
 *
 * @example
 * const link = followerLink('app', () => client.reattach(link, 'follower'));
 * await link.leaderReady;
 */
export function followerLink(name: string, onNewLeader: () => void): Link & { leaderReady: Promise<void> } {
  const tabId = uuidv7();
  const channel = new BroadcastChannel(channelName(name));
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let push: ((message: Push) => void) | undefined;
  let leader: string | undefined;
  let nextId = 1;
  let ready!: () => void;
  const leaderReady = new Promise<void>((r) => {
    ready = r;
  });
  channel.addEventListener('message', (event: MessageEvent<Frame>) => {
    const frame = event.data;
    if (frame.kind === 'result' && frame.to === tabId) {
      const call = calls.get(frame.id);
      calls.delete(frame.id);
      if (frame.error) call?.reject(reviveError(frame.error));
      else call?.resolve(frame.value);
    } else if (frame.kind === 'push' && frame.to === tabId) {
      push?.(frame.message);
    } else if (frame.kind === 'leader' && frame.leaderId !== leader) {
      const changed = leader !== undefined;
      leader = frame.leaderId;
      if (!changed) return ready();
      for (const call of calls.values()) call.reject(new ConnectionLostError('the leader tab closed'));
      calls.clear();
      onNewLeader();
    }
  });
  channel.postMessage({ kind: 'ping' } satisfies Frame);
  const call =
    (method: Method) =>
    (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        calls.set(id, { resolve, reject });
        channel.postMessage({ kind: 'call', from: tabId, id, method, args } satisfies Frame);
      });
  const session = Object.fromEntries(
    Object.keys(relayed).map((m) => [m, call(m as Method)]),
  ) as unknown as TidelogSession;
  session.listen = async (fn) => {
    push = fn;
    await call('listen')();
  };
  return { session, wrapPush: (fn) => fn, close: () => channel.close(), leaderReady };
}

/**
 * In the leader tab: relay followers' calls to the dedicated worker, one worker session
 * per follower (so each follower's subscriptions end with it: when its tab lock frees up).
 * Returns a stop function that resolves once every follower's worker session has ended.
 *
 * @example
 * const stop = serveFollowers('app', () => workerLink(worker));
 */
export function serveFollowers(name: string, connect: () => Link): () => Promise<void> {
  const leaderId = uuidv7();
  const channel = new BroadcastChannel(channelName(name));
  const links = new Map<string, Link>();
  const post = (frame: Frame) => channel.postMessage(frame);
  const drop = async (tab: string) => {
    const link = links.get(tab);
    links.delete(tab);
    await link?.session
      .disconnect()
      .catch(() => undefined)
      .finally(() => link.close?.());
  };
  channel.addEventListener('message', async (event: MessageEvent<Frame>) => {
    const frame = event.data;
    if (frame.kind === 'ping') return post({ kind: 'leader', leaderId });
    if (frame.kind !== 'call') return;
    let link = links.get(frame.from);
    if (!link) {
      link = connect();
      links.set(frame.from, link);
    }
    try {
      let value: unknown;
      if (frame.method === 'listen') {
        await link.session.listen(proxy((message: Push) => post({ kind: 'push', to: frame.from, message })));
      } else {
        const fn = link.session[frame.method] as (...args: unknown[]) => Promise<unknown>;
        value = await fn(...frame.args);
      }
      post({ kind: 'result', to: frame.from, id: frame.id, value });
      const tabLock = frame.args[0];
      if (frame.method === 'hello' && typeof tabLock === 'string')
        whenFree(tabLock, () => void drop(frame.from));
      if (frame.method === 'disconnect') void drop(frame.from);
    } catch (error) {
      post({ kind: 'result', to: frame.from, id: frame.id, error: serializeError(error) });
    }
  });
  post({ kind: 'leader', leaderId });
  return async () => {
    channel.close();
    await Promise.all([...links.keys()].map(drop));
  };
}
