import type { Sql, TransactionSql } from 'postgres';
import type { Admission } from '../admission.js';
import { planPush, type StoredEventRef } from '../plan-push.js';
import type { PushedEvent, PushOutcome } from '../types.js';
import { APPEND_FUNCTION, lockKeyText } from './append-sql.js';
import { type EncodedPush, encodeGroup, encodePush } from './encode.js';
import { GroupCommit, type Waiting } from './group-commit.js';
import { createStateReader } from './read-state.js';

/** A push on the fast path: its plan on the client's assumptions, encoded. */
interface FastPush {
  pushed: PushedEvent[];
  outcome: PushOutcome;
  encoded: EncodedPush;
}

const NONE: ReadonlyMap<string, StoredEventRef> = new Map();

/**
 * Up to two groups of a space in flight per process: while one holds the space's lock, the
 * next one is already sent, its parameters parsed, and waits on the lock, so the lock goes
 * from one group to the next without an idle round trip. The second group starts only
 * once 4 pushes wait, so overlapping does not cut groups (and their shared commit) small;
 * measured on push-postgres, this beat one group at a time and starting the second at
 * once. A group holds at most 32 pushes (each is a subtransaction; a backend keeps up to
 * 64 in shared memory before other sessions' snapshots get slower) and about 4 MiB of
 * data and meta (one push alone may be larger).
 */
const LIMITS = {
  inFlight: 2,
  overlapAt: 4,
  maxJobs: 32,
  maxWeight: 4 * 1024 * 1024,
  weight: (p: FastPush) => p.encoded.data.length + p.encoded.meta.length,
};

/**
 * How a PostgreSQL store applies a push, every write under the space's advisory lock:
 *
 * 1. Fast path: plan on what the client assumed (each stream at its first pushed version
 *    − 1, every id new), which accepts every group. Pushes to one space that arrive while
 *    an earlier group of them is being written wait and go together (group commit): one
 *    `append_batch()` call takes the lock, checks each push against the state the earlier
 *    ones left (each stream at the assumed version; a unique violation on the id index
 *    means an id was not new), inserts the ones that hold, and commits them all at once.
 * 2. A push whose assumption was wrong (a conflict, a duplicate, a race lost) wrote
 *    nothing; it is decided again in a transaction that takes the lock before it reads
 *    the real state: that plan cannot be stale.
 *
 * @example
 * const push = createPusher(sql, 'tidelog', 'tidelog_tidelog', new Admission({}, 'the push queue'));
 * const outcome = await push('team-1', events);
 */
export function createPusher(sql: Sql, schema: string, channel: string, admission: Admission) {
  const readState = createStateReader(sql, schema);
  const appendBatch = `"${schema}".${APPEND_FUNCTION}`;

  /**
   * One append_batch() call: per push, the head it appended after, or null (stale, nothing
   * written); and the head once the group committed.
   */
  const append = async (
    db: Sql | TransactionSql,
    space: string,
    pushes: readonly EncodedPush[],
  ): Promise<{ bases: (number | null)[]; head: number }> => {
    const [row] = await db.unsafe<{ bases: string[] }[]>(
      `SELECT ${appendBatch}($1::text, $2::integer[], $3::text[], $4::text[], $5::integer[], $6::text[],
         $7::integer[], $8::json[], $9::json[], $10::text) AS bases`,
      [space, ...encodeGroup(pushes), channel],
      { prepare: true },
    );
    const bases = row!.bases.map((base) => (base === '-1' ? null : Number(base)));
    return { bases, head: bases.pop()! };
  };

  /**
   * A plan's outcome at its real positions. `head` is the space's head once the push's
   * group committed: later pushes of the same group committed with it.
   */
  const shift = (outcome: PushOutcome, base: number, head: number): PushOutcome => ({
    accepted: outcome.accepted.map((g) => ({
      ...g,
      fromPosition: g.fromPosition + base,
      toPosition: g.toPosition + base,
    })),
    duplicates: outcome.duplicates,
    conflicts: outcome.conflicts,
    head,
  });

  // READ COMMITTED whatever the database's default: each statement after the lock must see
  // the commits of the lock's previous holders (see append-sql.ts).
  const lockedPush = (space: string, pushed: PushedEvent[]) =>
    sql.begin('isolation level read committed', async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(hashtextextended(${lockKeyText(schema, space)}, 0))`;
      const state = await readState(tx, space, pushed);
      const plan = planPush({ events: pushed, head: 0, versions: state.versions, known: state.known });
      if (plan.append.length === 0) return { ...plan.outcome, head: state.head };
      const { bases, head } = await append(tx, space, [encodePush(plan.append)]);
      if (bases[0] == null)
        throw new Error('tidelog: append_batch() found a plan stale under the space lock');
      return shift(plan.outcome, bases[0], head);
    });

  const answer = (
    space: string,
    w: Waiting<FastPush, PushOutcome>,
    base: number | null | undefined,
    head: number,
  ) => {
    if (base != null) w.resolve(shift(w.job.outcome, base, head));
    else lockedPush(space, w.job.pushed).then(w.resolve, w.reject);
  };

  const groups = new GroupCommit<FastPush, PushOutcome>(async (space, group) => {
    let written: { bases: (number | null)[]; head: number };
    try {
      written = await append(
        sql,
        space,
        group.map((w) => w.job.encoded),
      );
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // The group's transaction rolled back whole. Go again one push at a time, so a push
      // that fails fails alone. (Should the failure hide a commit, the ids now stored
      // make each retry stale, and the locked path answers them as duplicates.)
      for (const w of group) {
        try {
          const alone = await append(sql, space, [w.job.encoded]);
          answer(space, w, alone.bases[0], alone.head);
        } catch (single) {
          w.reject(single);
        }
      }
      return;
    }
    for (const [i, w] of group.entries()) answer(space, w, written.bases[i], written.head);
  }, LIMITS);

  return async (space: string, pushed: PushedEvent[]): Promise<PushOutcome> => {
    const assumed = new Map<string, number>();
    for (const e of pushed) if (!assumed.has(e.streamId)) assumed.set(e.streamId, e.version - 1);
    const plan = planPush({ events: pushed, head: 0, versions: assumed, known: NONE });
    // A plan on the assumed state only has conflicts when the push repeats an id.
    if (plan.outcome.conflicts.length > 0 || plan.append.length === 0) {
      const release = admission.enter(0);
      return lockedPush(space, pushed).finally(release);
    }
    const encoded = encodePush(plan.append);
    const job = { pushed, outcome: plan.outcome, encoded };
    // Refused at once past the queue's bounds: waiting pushes hold their data in memory.
    const release = admission.enter(LIMITS.weight(job));
    return groups.submit(space, job).finally(release);
  };
}
