import { field } from '@agentops/llm-callback-core/adapter-kit';
import { warnFailure } from './log.js';
import { list, readStringOnly, safely } from './read.js';

/** Marks handler instances, so that copies of this package loaded twice (ESM and CJS) still recognize each other. */
export const HANDLER_BRAND: unique symbol = Symbol.for('@agentops/langchain/handler');

/** What {@link runInToolContext} needs from the handler it finds. */
interface RunContextRunner {
  runInToolContext<T>(config: unknown, fn: () => T): T;
}

/** The run id a tool or runnable `config` belongs to (`config.callbacks.getParentRunId()`), or a run id string. */
export function runIdFromConfig(config: unknown): string | undefined {
  if (typeof config === 'string') return readStringOnly(config);
  const callbacks = field(config, 'callbacks');
  const getParentRunId = field(callbacks, 'getParentRunId');
  return typeof getParentRunId === 'function' ? readStringOnly(getParentRunId.call(callbacks)) : undefined;
}

/** True for {@link AgentOpsLangChainHandler} instances from any copy (ESM or CJS) of this package. */
export function isAgentOpsLangChainHandler(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return safely(() => (value as Record<symbol, unknown>)[HANDLER_BRAND]) === true;
}

/**
 * Runs `fn` with the span of the tool that `config` belongs to active, finding the `AgentOpsLangChainHandler` among
 * the run's callbacks, so tool code needs no reference to the handler. Spans that other instrumentation creates inside
 * `fn` (HTTP, database, provider SDKs) then nest under the tool's span. Without a handler or a known run, `fn` simply
 * runs. Errors from `fn` propagate unchanged.
 *
 * @example
 * ```ts
 * import { tool } from '@langchain/core/tools';
 * import { runInToolContext } from '@agentops/langchain';
 *
 * const search = tool(async ({ q }, config) => runInToolContext(config, () => fetchResults(q)), {
 *   name: 'search',
 *   schema: z.object({ q: z.string() }),
 * });
 * ```
 */
export function runInToolContext<T>(config: unknown, fn: () => T): T {
  let handler: RunContextRunner | undefined;
  try {
    const callbacks = field(config, 'callbacks');
    const candidates = [
      ...list(callbacks),
      ...list(field(callbacks, 'handlers')),
      ...list(field(callbacks, 'inheritableHandlers')),
    ];
    handler = candidates.find(isAgentOpsLangChainHandler) as RunContextRunner | undefined;
  } catch (error) {
    warnFailure('runInToolContext failed', error);
  }
  return handler ? handler.runInToolContext(config, fn) : fn();
}
