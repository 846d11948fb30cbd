import { jsonEqual } from '../append-rules.js';

/** Thrown by the conformance cases; plain so it crosses into and out of browsers. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

export function equal(actual: unknown, expected: unknown, message: string): void {
  if (!jsonEqual(JSON.parse(JSON.stringify(actual ?? null)), JSON.parse(JSON.stringify(expected ?? null)))) {
    throw new ConformanceFailure(
      `${message}: expected ${JSON.stringify(expected)?.slice(0, 300)}, got ${JSON.stringify(actual)?.slice(0, 300)}`,
    );
  }
}

/** Await `fn` and require it to reject with an error whose `code` is `code`; returns the error. */
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
