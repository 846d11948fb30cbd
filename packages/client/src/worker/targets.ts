import type { RejectedCommand } from '@tidelog/core';
import type { Tidelog } from '../runtime.js';
import type { SyncStatus } from '../sync/host.js';
import type { AggregateSnapshot, DeadLetter, ProjectionSnapshot } from '../types.js';

/** What a page subscribes to. */
export type Target =
  | { kind: 'stream'; aggregateType: string; streamId: string }
  | { kind: 'projection'; name: string }
  | { kind: 'deadLetters' }
  | { kind: 'sync' }
  | { kind: 'rejected' };

/** A message the runtime pushes to a page, for one of its subscriptions. */
export type Push =
  | { subId: number; snapshot: AggregateSnapshot<unknown> | ProjectionSnapshot<unknown> }
  | { subId: number; deadLetter: DeadLetter }
  | { subId: number; syncStatus: SyncStatus }
  | { subId: number; rejected: readonly RejectedCommand[] };

/**
 * One runtime subscription for a page's subscription `subId`; returns its release. Streams,
 * projections and the rejected list start with their current value (the runtime sends
 * it); the sync status is sent first here, so that a page's `getSnapshot` is current
 * before the next change.
 *
 * @example
 * const off = subscribeTarget(runtime, { kind: 'sync' }, 3, (push) => port.postMessage(push));
 */
export function subscribeTarget(
  rt: Tidelog,
  target: Target,
  subId: number,
  send: (message: Push) => void,
): () => void {
  switch (target.kind) {
    case 'stream':
      return rt.subscribe(rt.aggregateByType(target.aggregateType), target.streamId, (snapshot) =>
        send({ subId, snapshot }),
      );
    case 'projection':
      return rt.subscribeProjection(target.name, (snapshot) => send({ subId, snapshot }));
    case 'deadLetters':
      return rt.subscribeDeadLetters((deadLetter) => send({ subId, deadLetter }));
    case 'sync': {
      const off = rt.sync.subscribe((syncStatus) => send({ subId, syncStatus }));
      send({ subId, syncStatus: rt.sync.getSnapshot() });
      return off;
    }
    case 'rejected':
      return rt.subscribeRejected((rejected) => send({ subId, rejected }));
  }
}
