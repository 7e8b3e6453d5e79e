import { field } from '@agentops/llm-callback-core/adapter-kit';
import { warn, warnFailure } from './log.js';

/** In a variable so that bundlers do not require the optional peer of apps that never pass `apiKey`. */
const TRACING_MODULE = '@agentops/tracing';

/** Loads the module that exports `init`. */
export type TracingLoader = () => Promise<unknown>;

/**
 * Returns a function that calls `init({ apiKey })` of the loaded module the first time it is called and returns
 * that same promise afterwards. The promise resolves to whether `init` was called; it never rejects.
 */
export function createTracingInitializer(load: TracingLoader): (apiKey: string) => Promise<boolean> {
  let started: { apiKey: string; done: Promise<boolean> } | undefined;
  return (apiKey) => {
    try {
      if (started) {
        if (started.apiKey !== apiKey) warn('apiKey ignored: AgentOps tracing was already set up with another key');
        return started.done;
      }
      started = { apiKey, done: initialize(load, apiKey) };
      return started.done;
    } catch {
      return Promise.resolve(false); // a diag logger that throws
    }
  };
}

async function initialize(load: TracingLoader, apiKey: string): Promise<boolean> {
  try {
    const init = field(await load(), 'init');
    if (typeof init !== 'function') throw new TypeError(`${TRACING_MODULE} exports no init()`);
    init({ apiKey });
    return true;
  } catch (error) {
    warnFailure(`apiKey given, but ${TRACING_MODULE} could not be set up (is it installed?)`, error);
    return false;
  }
}

/** The process-wide initializer the handler uses for its `apiKey` option. */
export const initTracingOnce = createTracingInitializer(
  () => import(/* webpackIgnore: true */ /* @vite-ignore */ TRACING_MODULE) as Promise<unknown>,
);
