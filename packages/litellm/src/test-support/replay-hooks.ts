import type { AgentOpsLiteLLMHandler } from '../handler.js';

/** One CustomLogger hook call as the capturing logger in tools/e2e recorded it from the real LiteLLM. */
export interface CapturedCall {
  seq: number;
  hook: string;
  args: Record<string, unknown>;
}

/** Replays captured hook calls into the handler in LiteLLM's order (async hooks are not awaited, as LiteLLM does). */
export function replayHooks(handler: AgentOpsLiteLLMHandler, calls: readonly CapturedCall[]): void {
  for (const { hook, args } of [...calls].sort((a, b) => a.seq - b.seq)) {
    const { kwargs, response_obj: response, start_time: start, end_time: end } = args;
    if (hook === 'log_pre_api_call') handler.logPreApiCall(args.model, args.messages, kwargs);
    if (hook === 'log_post_api_call') handler.logPostApiCall(kwargs, response, start, end);
    if (hook === 'log_success_event') handler.logSuccessEvent(kwargs, response, start, end);
    if (hook === 'log_failure_event') handler.logFailureEvent(kwargs, response, start, end);
    if (hook === 'async_log_success_event') void handler.asyncLogSuccessEvent(kwargs, response, start, end);
    if (hook === 'async_log_failure_event') void handler.asyncLogFailureEvent(kwargs, response, start, end);
  }
}
