import type { Json, PositionedEnvelope } from '@tidelog/core';
import type { ConsumerCheckpoint } from './types.js';

/** What a server projection adds to a consumer: state stored with each offset. */
export interface CheckpointHooks {
  /** The offset to start `space` from, given its stored checkpoint. */
  start(space: string, checkpoint: ConsumerCheckpoint | undefined): number;
  /** The state to store with the offset after `events` (computed before the commit). */
  next(space: string, events: PositionedEnvelope[]): { value: Json; version: number } | undefined;
  /** The commit holding `state` succeeded. */
  committed(space: string, state: { value: Json; version: number } | undefined): void;
}

/** A plain consumer's hooks: the stored offset, no state. */
export const plain: CheckpointHooks = {
  start: (_space, checkpoint) => checkpoint?.position ?? 0,
  next: () => undefined,
  committed: () => {},
};
