/**
 * The few helpers of `cloudflare:test` (@cloudflare/vitest-pool-workers) these tests use,
 * typed by hand so the repository's type check needs no Workers type package (whose
 * globals clash with the DOM and Node types every other package is checked with).
 */
declare module 'cloudflare:test' {
  import type {
    DurableObjectNamespaceLike,
    DurableObjectStateLike,
    DurableObjectStubLike,
  } from './storage-types.js';

  /** The Worker's bindings (packages/server/wrangler.test.toml). */
  export const env: { SPACES: DurableObjectNamespaceLike } & Record<string, unknown>;
  /** The Worker's default export, called as a client would. */
  export const SELF: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  /** Run `callback` inside the Durable Object `stub` points to. */
  export function runInDurableObject<O, R>(
    stub: DurableObjectStubLike,
    callback: (instance: O, state: DurableObjectStateLike) => R | Promise<R>,
  ): Promise<R>;
  /** Reset every Durable Object instance; their storage stays. */
  export function abortAllDurableObjects(): Promise<void>;
}
