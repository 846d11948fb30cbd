import { jsonEqual } from '../append-rules.js';

/**
 * Thrown by the conformance cases; plain so it crosses into and out of browsers.
 *
 * @example
 * throw new ConformanceFailure('readStream after close: expected CLOSED');
 */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

/**
 * Fail the conformance case with `message` unless `condition` holds.
 *
 * @example
 * check(result.toVersion === 2, 'the second append ends at version 2');
 */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/**
 * Fail the conformance case unless `actual` and `expected` are equal JSON values.
 *
 * @example
 * equal(await store.streamVersion('s'), 2, 'version after two events');
 */
export function equal(actual: unknown, expected: unknown, message: string): void {
  if (!jsonEqual(JSON.parse(JSON.stringify(actual ?? null)), JSON.parse(JSON.stringify(expected ?? null)))) {
    throw new ConformanceFailure(
      `${message}: expected ${JSON.stringify(expected)?.slice(0, 300)}, got ${JSON.stringify(actual)?.slice(0, 300)}`,
    );
  }
}

/**
 * Await `fn` and require it to reject with an error whose `code` is `code`; returns the error.
 *
 * @example
 * await rejects(() => store.appendToStream('s', events, { expectedVersion: 5 }), 'VERSION_CONFLICT');
 */
export async function rejects(
  fn: () => Promise<unknown>,
  code: string,
  message: string,
): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    const actual = (error as { code?: unknown }).code;
    if (actual !== code) {
      throw new ConformanceFailure(
        `${message}: expected code ${code}, got ${String(actual)} (${String(error)})`,
      );
    }
    return error as Error & Record<string, unknown>;
  }
  throw new ConformanceFailure(`${message}: expected a ${code} error, but it resolved`);
}
