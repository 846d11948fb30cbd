import type { Sql, TransactionSql } from 'postgres';
import { pushKeys, type StoredEventRef } from '../plan-push.js';
import type { PushedEvent } from '../types.js';

interface State {
  head: string;
  /** `[streamId, version]` pairs, never an object: stream ids are user-chosen names. */
  versions: [streamId: string, version: number][];
  known: [id: string, streamId: string, version: number, position: number][];
}

/**
 * Reads what a plan of a push depends on (the head, the version of each pushed stream,
 * where already stored ids live) in one statement; LATERAL keeps it to index probes. Call
 * it under the space's lock.
 *
 * @example
 * const readState = createStateReader(sql, 'tidelog');
 * const { head, versions, known } = await readState(tx, 'team-1', events);
 */
export function createStateReader(sql: Sql, schema: string) {
  const events = sql(`${schema}.events`);
  return async (db: TransactionSql, space: string, pushed: PushedEvent[]) => {
    const { streamIds, ids } = pushKeys(pushed);
    const [state] = await db<State[]>`
      SELECT
        (SELECT coalesce(max(position), 0) FROM ${events} WHERE space = ${space}) AS head,
        (SELECT coalesce(json_agg(json_build_array(s, v)), '[]') FROM (
           SELECT s, (SELECT max(version) FROM ${events} e WHERE e.space = ${space} AND e.stream_id = s) AS v
           FROM unnest(${streamIds}::text[]) AS s) x WHERE v IS NOT NULL) AS versions,
        (SELECT coalesce(json_agg(json_build_array(e.id, e.stream_id, e.version, e.position)), '[]')
           FROM unnest(${ids}::text[]) AS k(id),
           LATERAL (SELECT id, stream_id, version, position FROM ${events}
                    WHERE space = ${space} AND id = k.id) e) AS known`;
    const known = new Map<string, StoredEventRef>();
    for (const [id, streamId, version, position] of state!.known) {
      known.set(id, { streamId, version, position: Number(position) });
    }
    const versions = new Map<string, number>(streamIds.map((s) => [s, 0]));
    for (const [streamId, version] of state!.versions) versions.set(streamId, version);
    return { head: Number(state!.head), versions, known };
  };
}
