/**
 * A stand-in for a LiteLLM proxy in front of the mock LLM: it forwards a chat completion upstream, measures it, and
 * returns the `StandardLoggingPayload` that the proxy's `generic_api` logger would post for it (the fields and
 * shapes of LiteLLM 1.82, with the proxy's own cost calculation). No Python needed; the payloads are what a real
 * bridge receives.
 */
import { randomUUID } from 'node:crypto';

/** A chat message as the OpenAI API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_call_id?: string;
}

/** One request to the proxy. */
export interface ProxyRequest {
  /** Model group the app asks for (the proxy's `model_name`), e.g. `gpt-4o`. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  /** Request tags (`metadata.tags` in the proxy request). */
  tags?: string[];
  /** End user (`user`). */
  user?: string;
  /** Shared by every retry and fallback of one router request. */
  traceId?: string;
  /** Extra upstream headers (the mock's scenario headers). */
  upstreamHeaders?: Record<string, string>;
}

/** What one proxy call gave. */
export interface ProxyResult {
  payload: Record<string, unknown>;
  ok: boolean;
  /** Assistant text on success. */
  text?: string;
}

/** USD per token, as in LiteLLM's model cost map. */
const PRICES: Record<string, { input: number; output: number }> = {
  'gpt-4o': { input: 2.5e-6, output: 10e-6 },
  'gpt-4o-mini': { input: 0.15e-6, output: 0.6e-6 },
};

interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

interface OpenAiCompletion {
  id?: string;
  created?: number;
  model?: string;
  choices?: { message?: { content?: string | null } }[];
  usage?: OpenAiUsage;
}

interface OpenAiError {
  error?: { message?: string; type?: string; code?: string | null };
}

/** LiteLLM's exception class for an upstream status, as it appears in `error_information.error_class`. */
function errorClassOf(status: number): string {
  if (status === 429) return 'RateLimitError';
  if (status === 401) return 'AuthenticationError';
  if (status === 400) return 'BadRequestError';
  if (status === 408) return 'Timeout';
  return status >= 500 ? 'InternalServerError' : 'APIError';
}

/**
 * Forwards one request to `upstreamUrl` (an OpenAI-compatible `/v1` base URL) as the proxy's `openai/<model>`
 * deployment would, and builds its `StandardLoggingPayload`.
 */
export async function proxyCompletion(upstreamUrl: string, request: ProxyRequest): Promise<ProxyResult> {
  const callId = randomUUID();
  const startTime = Date.now() / 1000;
  const parameters: Record<string, unknown> = { stream: false };
  if (request.temperature !== undefined) parameters.temperature = request.temperature;
  if (request.max_tokens !== undefined) parameters.max_tokens = request.max_tokens;
  const response = await fetch(`${upstreamUrl}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-demo-upstream',
      ...request.upstreamHeaders,
    },
    body: JSON.stringify({ model: request.model, messages: request.messages, ...parameters }),
  });
  const body = (await response.json()) as OpenAiCompletion & OpenAiError;
  const endTime = Date.now() / 1000;
  const usage = response.ok ? (body.usage ?? {}) : {};
  const price = PRICES[request.model];
  const cost =
    response.ok && price ? (usage.prompt_tokens ?? 0) * price.input + (usage.completion_tokens ?? 0) * price.output : 0;
  const apiBase = upstreamUrl;
  const payload: Record<string, unknown> = {
    // LiteLLM 1.82 logs the response id as `id` on success and its call id on failure.
    id: response.ok ? (body.id ?? callId) : callId,
    trace_id: request.traceId ?? randomUUID(),
    call_type: 'acompletion',
    cache_hit: response.ok ? null : false,
    stream: null,
    status: response.ok ? 'success' : 'failure',
    status_fields: { llm_api_status: response.ok ? 'success' : 'failure', guardrail_status: 'not_run' },
    custom_llm_provider: 'openai',
    saved_cache_cost: 0,
    startTime,
    endTime,
    completionStartTime: endTime,
    response_time: endTime - startTime,
    model: `openai/${request.model}`,
    metadata: {
      user_api_key_hash: null,
      user_api_key_alias: 'travel-assistant',
      user_api_key_request_route: '/v1/chat/completions',
      requester_ip_address: '127.0.0.1',
      user_agent: 'node',
      requester_metadata: {},
      applied_guardrails: [],
      usage_object: response.ok ? usage : null,
    },
    cache_key: null,
    response_cost: cost,
    total_tokens: usage.total_tokens ?? 0,
    prompt_tokens: usage.prompt_tokens ?? 0,
    completion_tokens: usage.completion_tokens ?? 0,
    request_tags: [...(request.tags ?? []), 'User-Agent: node'],
    end_user: request.user ?? '',
    api_base: apiBase,
    model_group: request.model,
    model_id: `deployment-${request.model}`,
    requester_ip_address: '127.0.0.1',
    user_agent: 'node',
    messages: request.messages,
    response: response.ok ? { ...body, object: 'chat.completion' } : {},
    model_parameters: parameters,
    hidden_params: {
      model_id: `deployment-${request.model}`,
      api_base: apiBase,
      response_cost: response.ok ? cost : null,
      litellm_model_name: `openai/${request.model}`,
    },
    error_str: null,
    error_information: { error_code: '', error_class: '', llm_provider: '', traceback: '', error_message: '' },
  };
  if (!response.ok) {
    const errorClass = errorClassOf(response.status);
    const message = `litellm.${errorClass}: ${errorClass}: OpenAIException - ${body.error?.message ?? response.statusText}`;
    payload.error_str = message;
    payload.error_information = {
      error_code: String(response.status),
      error_class: errorClass,
      llm_provider: 'openai',
      traceback: '',
      error_message: message,
    };
    return { payload, ok: false };
  }
  const text = body.choices?.[0]?.message?.content ?? '';
  return { payload, ok: true, text };
}
