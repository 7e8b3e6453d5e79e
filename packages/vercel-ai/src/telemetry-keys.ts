import { ATTR } from '@agentops/llm-callback-core';

/** `ATTR` keys with a `{placeholder}` suffix, as prefixes to append the key or statistic to. */
const prefix = (template: string) => template.slice(0, template.indexOf('{'));

/**
 * The attribute keys `AgentOpsTelemetry` writes, from the core's `ATTR`. They go through the core's
 * `metadata.attributes` / `attributes` events (key filtering and redaction included). None is a `gen_ai.*` key on a
 * run or step span: those would make AgentOps list the span as an LLM call.
 */
export const TELEMETRY_ATTR = {
  FUNCTION_ID: ATTR.AI_SDK_FUNCTION_ID,
  OPERATION: ATTR.AI_SDK_OPERATION,
  RUNTIME_CONTEXT_PREFIX: prefix(ATTR.AI_SDK_RUNTIME_CONTEXT),
  STEP_NUMBER: ATTR.STEP_NUMBER,
  STEP_FINISH_REASON: ATTR.STEP_FINISH_REASON,
  RESPONSE_TIME: ATTR.PERFORMANCE_RESPONSE_TIME,
  TIME_TO_FIRST_OUTPUT: ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT,
  OUTPUT_TOKENS_PER_SECOND: ATTR.PERFORMANCE_OUTPUT_TOKENS_PER_SECOND,
  INPUT_TOKENS_PER_SECOND: ATTR.PERFORMANCE_INPUT_TOKENS_PER_SECOND,
  EFFECTIVE_OUTPUT_TOKENS_PER_SECOND: ATTR.PERFORMANCE_EFFECTIVE_OUTPUT_TOKENS_PER_SECOND,
  EFFECTIVE_TOTAL_TOKENS_PER_SECOND: ATTR.PERFORMANCE_EFFECTIVE_TOTAL_TOKENS_PER_SECOND,
  CHUNK_GAP_PREFIX: prefix(ATTR.PERFORMANCE_CHUNK_GAP),
} as const;
