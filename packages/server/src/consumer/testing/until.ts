/**
 * Poll `condition` until it holds, failing after `timeoutMs`: for tests that wait on
 * another process or a database, where there is no event to wait on.
 *
 * @example
 * await until(async () => (await consumers.deadLetters()).length === 0);
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 20_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
