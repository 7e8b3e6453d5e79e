/*
 * Realistic LiteLLM JSON, written from LiteLLM's documented callback arguments and StandardLoggingPayload
 * (see /work/shared/reference/litellm.md). Fuzzing mutates these at any depth.
 */

const TIME_START = '2026-03-02 09:15:01.250000';
const TIME_END = '2026-03-02 09:15:02.750000';

/** The messages a chat call sends: system, user, an assistant tool call and its result. */
export function litellmMessages(text = 'Weather in Porto?'): Record<string, unknown>[] {
  return [
    { role: 'system', content: 'You are a weather bot.' },
    {
      role: 'user',
      content: [
        { type: 'text', text },
        { type: 'image_url', image_url: { url: 'https://x.test/a.png' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_a1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Porto"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a1', content: '{"temp_c":19}' },
  ];
}

/** `kwargs` of a LiteLLM callback (the SDK's shape, with `standard_logging_object` when `withPayload`). */
export function litellmKwargs(callId: string, withPayload = true): Record<string, unknown> {
  return {
    model: 'gpt-4o-mini',
    messages: litellmMessages(),
    call_type: 'acompletion',
    stream: true,
    custom_llm_provider: 'openai',
    litellm_call_id: callId,
    optional_params: {
      stream: true,
      temperature: 0.3,
      max_completion_tokens: 300,
      stop: '###',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      user: 'u_42',
    },
    litellm_params: {
      api_base: 'https://api.openai.com/v1',
      custom_llm_provider: 'openai',
      litellm_call_id: callId,
      litellm_trace_id: 'trace-8e21',
      metadata: { tags: ['weather', 'User-Agent: litellm/1.77'], model_group: 'gpt-4o-mini', headers: {} },
    },
    start_time: TIME_START,
    end_time: TIME_END,
    completion_start_time: '2026-03-02 09:15:01.900000',
    response_cost: 0.00042,
    cache_hit: false,
    standard_logging_object: withPayload ? standardPayload(callId) : null,
  };
}

/** An OpenAI-format `ModelResponse` as JSON, with a tool call and usage. */
export function litellmResponse(): Record<string, unknown> {
  return {
    id: 'chatcmpl-9f3c',
    object: 'chat.completion',
    created: 1767225601,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'call_b2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lisbon"}' } },
          ],
        },
      },
    ],
    usage: {
      prompt_tokens: 120,
      completion_tokens: 20,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 4 },
    },
  };
}

/** A LiteLLM exception as it arrives in JSON. */
export function litellmException(): Record<string, unknown> {
  return {
    type: 'RateLimitError',
    message: 'litellm.RateLimitError: rate limited',
    status_code: 429,
    llm_provider: 'openai',
    litellm_debug_info: 'Model: gpt-4o-mini',
  };
}

/** A `StandardLoggingPayload` (success, or failure with `error_information`). */
export function standardPayload(callId: string, failed = false): Record<string, unknown> {
  return {
    id: `chatcmpl-${callId}`,
    litellm_call_id: callId,
    trace_id: 'trace-4b8e',
    call_type: 'acompletion',
    stream: false,
    status: failed ? 'failure' : 'success',
    custom_llm_provider: 'openai',
    model: 'gpt-4o-2024-08-06',
    model_group: 'gpt-4o',
    model_id: 'dep-7f2e1c',
    api_base: 'https://api.openai.com/v1',
    response_cost: 0.0016325,
    prompt_tokens: 383,
    completion_tokens: 45,
    total_tokens: 428,
    startTime: 1767225600.112,
    endTime: 1767225601.487,
    completionStartTime: 1767225601.2,
    metadata: {
      user_api_key_end_user_id: 'end-user-1',
      requester_metadata: { agentops_session_id: 'sess-1' },
      usage_object: { prompt_tokens: 383, completion_tokens: 45, total_tokens: 428 },
    },
    request_tags: ['prod', 'User-Agent: litellm'],
    end_user: 'end-user-1',
    messages: litellmMessages('Plan a trip'),
    response: failed ? null : litellmResponse(),
    model_parameters: { temperature: 0.2, max_tokens: 500, stream: false },
    hidden_params: { response_cost: 0.0016325 },
    error_str: failed ? 'litellm.RateLimitError: rate limited' : null,
    error_information: failed
      ? { error_code: '429', error_class: 'RateLimitError', llm_provider: 'openai', error_message: 'rate limited' }
      : null,
    cache_hit: false,
  };
}
