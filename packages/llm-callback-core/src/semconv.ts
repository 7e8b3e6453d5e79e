/**
 * Every attribute key the core writes. Adapters and exporters read keys from here and never spell them.
 * `{i}` / `{j}` are zero-based indices, filled by the helpers below.
 */
export const ATTR = {
  // AgentOps
  SPAN_KIND: 'agentops.span.kind',
  TAGS: 'agentops.tags',
  FRAMEWORK: 'agentops.framework',
  ENTITY_NAME: 'agentops.entity.name',
  ENTITY_INPUT: 'agentops.entity.input',
  ENTITY_OUTPUT: 'agentops.entity.output',
  ENTITY_INPUT_LENGTH: 'agentops.entity.input_length',
  ENTITY_OUTPUT_LENGTH: 'agentops.entity.output_length',
  RUN_TYPE: 'agentops.run.type',
  SESSION_ID: 'agentops.session.id',
  SESSION_END_STATE: 'agentops.session.end_state',
  SESSION_END_REASON: 'agentops.session.end_reason',
  INCOMPLETE: 'agentops.span.incomplete',
  INCOMPLETE_REASON: 'agentops.span.incomplete_reason',
  RESPONSE_CREATED_AT: 'agentops.response.created_at',
  WARNINGS: 'agentops.warnings',
  RETRY_ATTEMPT: 'agentops.retry.attempt',
  RETRY_MAX: 'agentops.retry.max_retries',
  RETRY_COUNT: 'agentops.retry.count',
  RETRY_BACKOFF_MS: 'agentops.retry.backoff_ms',
  TOOL_CHOICE: 'agentops.request.tool_choice',
  USAGE_ESTIMATED: 'agentops.usage.estimated',
  ERROR_RETRYABLE: 'agentops.error.retryable',

  // AgentOps LLM keys (indexed)
  SYSTEM: 'gen_ai.system',
  REQUEST_TYPE: 'gen_ai.request.type',
  REQUEST_STREAMING: 'gen_ai.request.streaming',
  PROMPT_ROLE: 'gen_ai.prompt.{i}.role',
  PROMPT_CONTENT: 'gen_ai.prompt.{i}.content',
  PROMPT_CONTENT_LENGTH: 'gen_ai.prompt.{i}.content_length',
  PROMPT_NAME: 'gen_ai.prompt.{i}.name',
  PROMPT_TOOL_CALL_ID: 'gen_ai.prompt.{i}.tool_call_id',
  PROMPT_TOOL_CALL_ID_J: 'gen_ai.prompt.{i}.tool_calls.{j}.id',
  PROMPT_TOOL_CALL_NAME: 'gen_ai.prompt.{i}.tool_calls.{j}.name',
  PROMPT_TOOL_CALL_ARGUMENTS: 'gen_ai.prompt.{i}.tool_calls.{j}.arguments',
  COMPLETION_ROLE: 'gen_ai.completion.{i}.role',
  COMPLETION_CONTENT: 'gen_ai.completion.{i}.content',
  COMPLETION_CONTENT_LENGTH: 'gen_ai.completion.{i}.content_length',
  COMPLETION_REASONING: 'gen_ai.completion.{i}.reasoning',
  COMPLETION_FINISH_REASON: 'gen_ai.completion.{i}.finish_reason',
  COMPLETION_TOOL_CALL_ID: 'gen_ai.completion.{i}.tool_calls.{j}.id',
  COMPLETION_TOOL_CALL_NAME: 'gen_ai.completion.{i}.tool_calls.{j}.name',
  COMPLETION_TOOL_CALL_ARGUMENTS: 'gen_ai.completion.{i}.tool_calls.{j}.arguments',
  FUNCTION_NAME: 'gen_ai.request.functions.{i}.name',
  FUNCTION_DESCRIPTION: 'gen_ai.request.functions.{i}.description',
  FUNCTION_PARAMETERS: 'gen_ai.request.functions.{i}.parameters',
  RESPONSE_FINISH_REASON: 'gen_ai.response.finish_reason',
  USAGE_PROMPT_TOKENS: 'gen_ai.usage.prompt_tokens',
  USAGE_COMPLETION_TOKENS: 'gen_ai.usage.completion_tokens',
  USAGE_TOTAL_TOKENS: 'gen_ai.usage.total_tokens',
  USAGE_CACHE_READ_TOKENS: 'gen_ai.usage.cache_read_input_tokens',
  USAGE_CACHE_CREATION_TOKENS: 'gen_ai.usage.cache_creation_input_tokens',
  USAGE_REASONING_TOKENS: 'gen_ai.usage.reasoning_tokens',
  USAGE_TOTAL_COST: 'gen_ai.usage.total_cost',
  STREAMING_TIME_TO_FIRST_TOKEN: 'gen_ai.streaming.time_to_first_token',
  STREAMING_TIME_TO_GENERATE: 'gen_ai.streaming.time_to_generate',
  STREAMING_CHUNK_COUNT: 'gen_ai.streaming.chunk_count',
  STREAMING_MAX_CHUNK_GAP: 'gen_ai.streaming.max_chunk_gap',

  // OpenTelemetry GenAI (scalar)
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_TOP_P: 'gen_ai.request.top_p',
  REQUEST_TOP_K: 'gen_ai.request.top_k',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  REQUEST_FREQUENCY_PENALTY: 'gen_ai.request.frequency_penalty',
  REQUEST_PRESENCE_PENALTY: 'gen_ai.request.presence_penalty',
  REQUEST_STOP_SEQUENCES: 'gen_ai.request.stop_sequences',
  REQUEST_SEED: 'gen_ai.request.seed',
  REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  REQUEST_STREAM: 'gen_ai.request.stream',
  OUTPUT_TYPE: 'gen_ai.output.type',
  RESPONSE_ID: 'gen_ai.response.id',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  RESPONSE_TIME_TO_FIRST_CHUNK: 'gen_ai.response.time_to_first_chunk',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.usage.reasoning.output_tokens',
  CONVERSATION_ID: 'gen_ai.conversation.id',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',

  // OpenTelemetry GenAI (JSON, opt-in)
  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  SYSTEM_INSTRUCTIONS: 'gen_ai.system_instructions',
  TOOL_DEFINITIONS: 'gen_ai.tool.definitions',

  // OpenTelemetry GenAI tool and agent keys (only when AgentOps keys are off)
  GENAI_TOOL_NAME: 'gen_ai.tool.name',
  GENAI_TOOL_CALL_ID: 'gen_ai.tool.call.id',
  GENAI_TOOL_CALL_ARGUMENTS: 'gen_ai.tool.call.arguments',
  GENAI_TOOL_CALL_RESULT: 'gen_ai.tool.call.result',
  GENAI_TOOL_DESCRIPTION: 'gen_ai.tool.description',
  GENAI_TOOL_TYPE: 'gen_ai.tool.type',
  GENAI_AGENT_NAME: 'gen_ai.agent.name',

  // Tools and agents (AgentOps)
  TOOL_NAME: 'tool.name',
  TOOL_ID: 'tool.id',
  TOOL_DESCRIPTION: 'tool.description',
  TOOL_PARAMETERS: 'tool.parameters',
  TOOL_RESULT: 'tool.result',
  TOOL_STATUS: 'tool.status',
  AGENT_NAME: 'agent.name',

  // LiteLLM
  LITELLM_CALL_ID: 'litellm.call_id',
  LITELLM_TRACE_ID: 'litellm.trace_id',
  LITELLM_CALL_TYPE: 'litellm.call_type',
  LITELLM_MODEL_ID: 'litellm.model_id',
  LITELLM_CACHE_HIT: 'litellm.cache_hit',

  // General
  USER_ID: 'user.id',
  SESSION_ID_GENERAL: 'session.id',
  ERROR_TYPE: 'error.type',
  ERROR_MESSAGE: 'error.message',
  ERROR_CODE: 'error.code',
  HTTP_STATUS_CODE: 'http.response.status_code',
} as const;

/** Fills `{i}` (and `{j}`) in an indexed key. */
export function indexedKey(template: string, i: number, j?: number): string {
  const withI = template.replace('{i}', String(i));
  return j === undefined ? withI : withI.replace('{j}', String(j));
}
