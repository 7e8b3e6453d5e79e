// The parts of LiteLLM's logging JSON this package reads, typed locally (no LiteLLM dependency).
// Every field is optional and may be null or of another type at run time; readers narrow each one.

/** A time as LiteLLM passes it: a `Date`, an ISO or Python datetime string, or epoch seconds. */
export type LiteLLMTime = Date | string | number;

/** An OpenAI-format tool call (`choices[].message.tool_calls[]`, `messages[].tool_calls[]`). */
export interface LiteLLMToolCall {
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: unknown } | null;
}

/** A request or response message: OpenAI chat format, Anthropic content blocks or Responses-API items. */
export interface LiteLLMMessage {
  role?: string | null;
  /** Text, or content parts (`text`, `image_url`, `input_audio`, `file`, `tool_use`, `tool_result`, `thinking`, ...). */
  content?: string | unknown[] | null;
  name?: string | null;
  tool_calls?: LiteLLMToolCall[] | null;
  tool_call_id?: string | null;
  /** Legacy single function call. */
  function_call?: { name?: string | null; arguments?: unknown } | null;
  reasoning_content?: string | null;
  /** Responses-API item type (`message`, `function_call`, `function_call_output`, `reasoning`). */
  type?: string | null;
}

/** Token usage as LiteLLM's `Usage`, the Responses API or Anthropic report it. */
export interface LiteLLMUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_creation_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  input_tokens_details?: { cached_tokens?: number | null } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

/** A response object (`ModelResponse`, `TextCompletionResponse`, Responses-API or Anthropic message) as JSON. */
export interface LiteLLMResponse {
  id?: string | null;
  object?: string | null;
  /** Epoch seconds. */
  created?: number | null;
  /** Epoch seconds (Responses API). */
  created_at?: number | null;
  model?: string | null;
  choices?: Array<{
    index?: number | null;
    finish_reason?: string | null;
    message?: LiteLLMMessage | null;
    /** Text completions. */
    text?: string | null;
  }> | null;
  /** Responses-API output items. */
  output?: LiteLLMMessage[] | null;
  /** Responses-API status (`completed`, `incomplete`, `failed`). */
  status?: string | null;
  /** Anthropic message content blocks. */
  content?: unknown[] | null;
  stop_reason?: string | null;
  usage?: LiteLLMUsage | null;
}

/** `StandardLoggingPayload.error_information`. */
export interface LiteLLMErrorInformation {
  /** Always a string: an HTTP status (`"429"`), a provider code, or `""`. */
  error_code?: string | null;
  error_class?: string | null;
  llm_provider?: string | null;
  error_message?: string | null;
  traceback?: string | null;
}

/** An exception as it arrives in JSON: an object with LiteLLM's exception fields, or its `str()`. */
export interface LiteLLMException {
  /** The class name, when the serializer records it. */
  __type__?: string | null;
  /** `str(exception)`, when the serializer records it. */
  str?: string | null;
  type?: string | null;
  message?: string | null;
  status_code?: number | string | null;
  code?: string | number | null;
  llm_provider?: string | null;
  num_retries?: number | null;
  max_retries?: number | null;
}

/** `litellm_params` inside kwargs (only the fields read here; `api_key` is never read). */
export interface LiteLLMParams {
  custom_llm_provider?: string | null;
  api_base?: string | null;
  litellm_call_id?: string | null;
  litellm_trace_id?: string | null;
  litellm_session_id?: string | null;
  metadata?: LiteLLMRequestMetadata | string | null;
  litellm_metadata?: LiteLLMRequestMetadata | string | null;
}

/** `litellm_params.metadata` (or `litellm_metadata`) on the SDK or proxy. */
export interface LiteLLMRequestMetadata {
  tags?: string[] | null;
  model_group?: string | null;
  model_info?: { id?: string | null } | null;
  /** Failed earlier attempts (router retries). */
  previous_models?: unknown[] | null;
  /** An AgentOps session id the caller passed along. */
  agentops_session_id?: string | null;
  user_api_key_end_user_id?: string | null;
}

/** The `kwargs` dict of a `CustomLogger` callback (`Logging.model_call_details`), as JSON. */
export interface LiteLLMKwargs {
  litellm_call_id?: string | null;
  model?: string | null;
  messages?: LiteLLMMessage[] | string | null;
  /** Responses API / text completion input. */
  input?: unknown;
  prompt?: unknown;
  call_type?: string | null;
  custom_llm_provider?: string | null;
  stream?: boolean | null;
  user?: string | null;
  optional_params?: Record<string, unknown> | null;
  litellm_params?: LiteLLMParams | null;
  start_time?: LiteLLMTime | null;
  end_time?: LiteLLMTime | null;
  completion_start_time?: LiteLLMTime | null;
  response_cost?: number | null;
  cache_hit?: boolean | null;
  complete_streaming_response?: LiteLLMResponse | null;
  async_complete_streaming_response?: LiteLLMResponse | null;
  exception?: LiteLLMException | string | null;
  standard_logging_object?: StandardLoggingPayload | null;
  /** Request parameters also appear at the top level (`temperature`, `max_tokens`, `tools`, ...). */
  [key: string]: unknown;
}

/** `StandardLoggingPayload.metadata` (the fields read here). */
export interface StandardLoggingMetadata {
  requester_metadata?: Record<string, unknown> | null;
  usage_object?: LiteLLMUsage | null;
  user_api_key_end_user_id?: string | null;
}

/** LiteLLM's `StandardLoggingPayload` (what `kwargs.standard_logging_object` holds and `generic_api` posts). */
export interface StandardLoggingPayload {
  /** Response id; falls back to the call id. */
  id?: string | null;
  /** Newer versions only. */
  litellm_call_id?: string | null;
  call_id?: string | null;
  /** Shared by every attempt and fallback of one router request. */
  trace_id?: string | null;
  call_type?: string | null;
  /** `true` only for an assembled stream; otherwise null. */
  stream?: boolean | null;
  status?: 'success' | 'failure' | (string & {}) | null;
  custom_llm_provider?: string | null;
  model?: string | null;
  model_group?: string | null;
  model_id?: string | null;
  api_base?: string | null;
  response_cost?: number | null;
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  /** Epoch seconds. */
  startTime?: number | null;
  endTime?: number | null;
  /** Epoch seconds of the first streamed chunk; equals `endTime` when there is none. */
  completionStartTime?: number | null;
  metadata?: StandardLoggingMetadata | string | null;
  cache_hit?: boolean | null;
  request_tags?: string[] | null;
  end_user?: string | null;
  messages?: LiteLLMMessage[] | string | Record<string, unknown> | null;
  response?: LiteLLMResponse | string | null;
  error_str?: string | null;
  error_information?: LiteLLMErrorInformation | null;
  model_parameters?: Record<string, unknown> | null;
  hidden_params?: { litellm_model_name?: string | null; usage_object?: LiteLLMUsage | null } | null;
}
