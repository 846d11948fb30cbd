/** What a space's advisory lock key starts with; `append_batch` appends the space in SQL. */
const lockKeyPrefix = (schema: string): string => `${schema}:`;

/** The advisory lock key of a space is `hashtextextended(<schema>:<space>, 0)`. */
export const lockKeyText = (schema: string, space: string): string => lockKeyPrefix(schema) + space;

/**
 * The signature `migrate` looks for to tell whether the schema is ready. It only checks
 * that the function exists, and replicas of different releases may share a schema: give
 * the function a new name whenever its body or result changes.
 */
export const APPEND_FUNCTION = 'append_batch_rc';

/** `APPEND_FUNCTION` with its argument types, as `to_regprocedure` reads it. */
export const APPEND_BATCH_SIGNATURE = `${APPEND_FUNCTION}(text, integer[], text[], text[], integer[], text[], integer[], json[], json[], text)`;

/**
 * `append_batch(space, counts, ids, stream_ids, versions, types, schema_versions, data,
 * meta, channel)`: the locked part of one or more pushes to a space (a group commit), in
 * one statement and one transaction.
 *
 * The rows come as one array per column, every push's rows one push after the other
 * (`counts` says how many each push has). PostgreSQL parses (and checks the JSON of)
 * parameters before the function runs, so that work happens before the lock is taken.
 * Under the space's advisory lock each push, in order, is checked against the state the
 * ones before it left: each of its streams must continue at its current version + 1 (its
 * first version there − 1 is what the push's plan assumed), and an id the plan thought new
 * but stored already shows as a unique violation on the id index. A push that holds is
 * inserted at head + 1, head + 2, … in its own subtransaction, so a stale one writes
 * nothing and leaves the others alone. One NOTIFY carries the final head. Returns, per
 * push, the head it appended after, or -1 when it was stale (not NULL, which postgres.js
 * reads in an array as 'NULL'), then the head after the whole group. A VOLATILE plpgsql function takes a fresh snapshot per
 * statement, so the reads after the lock see every commit of the lock's previous holders.
 *
 * That holds under READ COMMITTED only: under REPEATABLE READ or SERIALIZABLE (a database
 * or role default) the snapshot is older than the lock. The function then writes nothing
 * and answers every push stale, so the caller decides them in a transaction it opens as
 * READ COMMITTED. It also sets `synchronous_commit = on` for its transaction: an
 * acknowledged push must not be lost because a database or role turned it off.
 */
export function appendBatchFunction(schema: string): string {
  const s = `"${schema}"`;
  const slice = (column: string) => `${column}[v_from : v_to]`;
  return `CREATE OR REPLACE FUNCTION ${s}.${APPEND_FUNCTION}(
      p_space text, p_counts integer[], p_ids text[], p_stream_ids text[], p_versions integer[],
      p_types text[], p_schema_versions integer[], p_data json[], p_meta json[], p_channel text)
    RETURNS bigint[] LANGUAGE plpgsql VOLATILE AS $fn$
    DECLARE
      v_bases bigint[] := '{}';
      v_head bigint;
      v_from integer := 1;
      v_to integer;
      v_written boolean := false;
    BEGIN
      PERFORM set_config('synchronous_commit', 'on', true);
      IF current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN array_fill(-1::bigint, ARRAY[coalesce(array_length(p_counts, 1), 0)]) || 0::bigint;
      END IF;
      PERFORM pg_advisory_xact_lock(hashtextextended('${lockKeyPrefix(schema)}' || p_space, 0));
      SELECT coalesce(max(position), 0) INTO v_head FROM ${s}.events WHERE space = p_space;
      FOR i IN 1 .. coalesce(array_length(p_counts, 1), 0) LOOP
        v_to := v_from + p_counts[i] - 1;
        IF EXISTS (
          SELECT 1 FROM (
            SELECT r.stream_id, min(r.version) AS first
            FROM unnest(${slice('p_stream_ids')}, ${slice('p_versions')}) AS r(stream_id, version)
            GROUP BY r.stream_id) f
          WHERE coalesce((SELECT max(e.version) FROM ${s}.events e
                          WHERE e.space = p_space AND e.stream_id = f.stream_id), 0) <> f.first - 1
        ) THEN
          v_bases := v_bases || -1::bigint;
        ELSE
          BEGIN
            INSERT INTO ${s}.events (space, position, id, stream_id, version, type, schema_version, data, meta)
            SELECT p_space, v_head + r.n, r.id, r.stream_id, r.version, r.type, r.schema_version, r.data, r.meta
            FROM unnest(${slice('p_ids')}, ${slice('p_stream_ids')}, ${slice('p_versions')}, ${slice('p_types')},
                        ${slice('p_schema_versions')}, ${slice('p_data')}, ${slice('p_meta')})
                 WITH ORDINALITY AS r(id, stream_id, version, type, schema_version, data, meta, n);
            v_bases := v_bases || v_head;
            v_head := v_head + p_counts[i];
            v_written := true;
          EXCEPTION WHEN unique_violation THEN
            -- An id the plan thought new is stored (the versions held, so the unique index
            -- on ids is what tells): this push is stale and wrote nothing.
            v_bases := v_bases || -1::bigint;
          END;
        END IF;
        v_from := v_to + 1;
      END LOOP;
      IF v_written THEN
        PERFORM pg_notify(p_channel, v_head::text || ':' || p_space);
      END IF;
      RETURN v_bases || v_head;
    END
    $fn$`;
}
