/**
 * The parts of a SQLite-backed Durable Object's storage and state that this adapter uses,
 * written out structurally so `@tidelog/server` needs no Cloudflare type package and the
 * store can be driven by any object of this shape (workerd's `ctx.storage` is one).
 */

/** A value a SQL column holds. */
export type SqlValue = ArrayBuffer | string | number | null;

/** The rows of one `sql.exec`: read lazily, so a reader may stop early. */
export interface SqlCursorLike<T> extends Iterable<T> {
  toArray(): T[];
  one(): T;
}

/** `ctx.storage.sql` of a SQLite-backed Durable Object. */
export interface SqlStorageLike {
  exec<T = Record<string, SqlValue>>(query: string, ...bindings: SqlValue[]): SqlCursorLike<T>;
}

/** `ctx.storage` of a SQLite-backed Durable Object. */
export interface DurableObjectStorageLike {
  readonly sql: SqlStorageLike;
  /** Run `fn` as one SQLite transaction: all of it is written, or (if it throws) none. */
  transactionSync<T>(fn: () => T): T;
}

/** `ctx` of a Durable Object: its storage, and the id it was named by. */
export interface DurableObjectStateLike {
  readonly storage: DurableObjectStorageLike;
  readonly id: { toString(): string; readonly name?: string | undefined };
}

/** The id of a Durable Object, made from a name (a space). */
export type DurableObjectIdLike = object;

/** What a Worker calls a Durable Object through. */
export interface DurableObjectStubLike {
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object namespace binding (`env.SPACES`). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): DurableObjectIdLike;
  get(id: DurableObjectIdLike): DurableObjectStubLike;
}
