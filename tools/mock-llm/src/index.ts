/**
 * `@agentops-internal/mock-llm`: a deterministic OpenAI-compatible HTTP server for tests (chat completions with SSE
 * streaming and tool calls, the Responses API, embeddings, models), with scenario directives for errors, retries,
 * latency, token counts and broken streams.
 */
export { embedText } from './embeddings.ts';
export { errorBody, type OpenAiErrorBody } from './errors.ts';
export type { PlanUsage, ReplyPlan } from './plan.ts';
export { applyDirectives, defaultScenario, resolveScenario, type Scenario } from './scenario.ts';
export { type MockLlm, type MockLlmOptions, type RecordedRequest, startMockLlm } from './server.ts';
export { parseSse, readSse, type SseEvent } from './sse.ts';
export { countTokens } from './text.ts';
