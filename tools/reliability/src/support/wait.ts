/**
 * Polls `condition` until it holds. This is not a timed assertion: `timeoutMs` is a generous guard against a
 * hang, and the test fails with `describe()` only if the condition never holds.
 */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
