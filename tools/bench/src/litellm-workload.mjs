// LiteLLM workloads, composed by hand after the shapes in /work/shared/reference/litellm.md (§1 kwargs, §2 and §11
// StandardLoggingPayload): a successful chat call with a system prompt, a tool round trip and a text answer. Each call
// or payload gets a fresh id (the handler keys calls by it and ignores repeated keys as duplicates), made by splicing
// the id into pre-serialised text, so building the input costs little and is measured separately. The id is also in
// the user's question and in the answer: as in real traffic, those differ from call to call while the system prompt
// and the tool schemas repeat (the redactor remembers texts it found clean, so identical payloads would flatter it).

const SYSTEM =
  'You are a travel planning agent. Answer briefly, cite the tool results you used, never invent prices, and ask ' +
  'one clarifying question when the dates or the budget are missing. Prefer trains over flights under 600 km. ' +
  'Quote every time in the local time of the place it refers to.';
const USER =
  "I'm in Lisbon from the 12th to the 15th of May with a budget of 900 euros. What's the weather going to be " +
  'like tomorrow, and is it worth taking the train to Porto for a day trip, or should I stay in the city?';
const TOOL_ARGS = '{"city":"Lisbon","day":"tomorrow","units":"metric"}';
const TOOL_RESULT =
  '{"city":"Lisbon","date":"2026-05-12","summary":"sunny with a light north wind","temp_min_c":16,"temp_max_c":24,' +
  '"precipitation_mm":0,"uv_index":7,"sunrise":"06:31","sunset":"20:37","hourly":[{"h":9,"t":18},{"h":12,"t":22},' +
  '{"h":15,"t":24},{"h":18,"t":21}]}';
const ANSWER =
  'Tomorrow in Lisbon will be sunny with a light north wind, between 16 and 24 °C, no rain and a high UV index of 7, ' +
  'so bring sunscreen. A day trip to Porto is worth it: the Alfa Pendular train takes about 2 h 50 min each way and ' +
  'costs 25 to 45 euros per ticket when booked a few days ahead, which leaves plenty of your 900 euro budget for the ' +
  'rest of the stay. Leave early (the 07:09 train arrives at 10:00), walk from São Bento through Ribeira, cross the ' +
  'Dom Luís I bridge to the port cellars in Gaia, and take the 19:00 train back. If you would rather keep the day ' +
  'relaxed, Sintra is 40 minutes away by suburban train. Which dates would you like me to check train prices for?';

const ID = '__BENCH_ID__';

const MESSAGES = [
  { role: 'system', content: SYSTEM },
  { role: 'user', content: `${USER} (ref ${ID})` },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'call_Q7w2', type: 'function', function: { name: 'get_weather', arguments: TOOL_ARGS } }],
  },
  { role: 'tool', tool_call_id: 'call_Q7w2', content: TOOL_RESULT },
];
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Forecast lookup for a city and a day',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, day: { type: 'string' }, units: { type: 'string' } },
        required: ['city'],
      },
    },
  },
];
const USAGE = {
  prompt_tokens: 583,
  completion_tokens: 171,
  total_tokens: 754,
  prompt_tokens_details: { cached_tokens: 256 },
  completion_tokens_details: { reasoning_tokens: 0 },
};
const RESPONSE = {
  id: 'chatcmpl-9f3c2a7e51b04d2c',
  object: 'chat.completion',
  created: 1767225601,
  model: 'gpt-4o-2024-08-06',
  system_fingerprint: 'fp_5ad2c1',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `${ANSWER} Ref ${ID}.` } }],
  usage: USAGE,
};

/** A ~4 KB StandardLoggingPayload (success, non-streaming), its `id` replaced per payload. */
export const PAYLOAD_TEMPLATE = {
  id: ID,
  trace_id: '4b8e0d52-6c1f-4f7a-9a53-2e6f0c1d7b90',
  call_type: 'acompletion',
  stream: null,
  status: 'success',
  status_fields: { llm_api_status: 'success', guardrail_status: 'not_run' },
  custom_llm_provider: 'openai',
  model: 'gpt-4o-2024-08-06',
  model_group: 'gpt-4o',
  model_id: 'dep-7f2e1c',
  api_base: 'https://api.openai.com/v1',
  response_cost: 0.0040225,
  cost_breakdown: { input_cost: 0.0014575, output_cost: 0.002565, total_cost: 0.0040225, tool_usage_cost: 0.0 },
  prompt_tokens: 583,
  completion_tokens: 171,
  total_tokens: 754,
  startTime: 1767225600.112,
  endTime: 1767225603.487,
  completionStartTime: 1767225600.912,
  response_time: 3.375,
  metadata: {
    user_api_key_hash: '3f1e9a6c2b7d4e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a7b',
    user_api_key_alias: 'agent-runner',
    user_api_key_team_id: 'team-ops',
    user_api_key_user_id: 'u_812',
    requester_ip_address: '10.2.3.4',
    requester_metadata: { agentops_session_id: 'sess_01HX', agent: 'planner' },
    applied_guardrails: [],
    usage_object: USAGE,
  },
  cache_hit: false,
  cache_key: null,
  saved_cache_cost: 0.0,
  request_tags: ['planner', 'User-Agent: OpenAI'],
  end_user: '',
  messages: MESSAGES,
  response: RESPONSE,
  error_str: null,
  model_parameters: {
    temperature: 0.2,
    max_tokens: 512,
    top_p: 1.0,
    frequency_penalty: 0.0,
    presence_penalty: 0.0,
    tool_choice: 'auto',
    tools: TOOLS,
  },
  hidden_params: {
    model_id: 'dep-7f2e1c',
    cache_key: null,
    api_base: 'https://api.openai.com/v1',
    response_cost: 0.0040225,
    litellm_overhead_time_ms: 6.1,
    additional_headers: { x_ratelimit_remaining_requests: 9998, x_ratelimit_remaining_tokens: 29571 },
    litellm_model_name: 'openai/gpt-4o-2024-08-06',
  },
  guardrail_information: null,
};

const payloadPieces = JSON.stringify(PAYLOAD_TEMPLATE).split(ID);
/** Bytes of one serialised payload (with a typical id). */
export const PAYLOAD_BYTES = Buffer.byteLength(payloadPieces.join('')) + 36 * (payloadPieces.length - 1);

let idCounter = 0;
const idPrefix = `${process.pid.toString(16)}-${Date.now().toString(36)}-`;
const nextId = () => `chatcmpl-${idPrefix}${++idCounter}`;

/**
 * One `json_array` POST body of `n` payloads, as LiteLLM's generic_api logger sends it (batch size 512), as the bridge's
 * server reads it: one flat string decoded from the request's bytes. (A string built by concatenation is a rope that
 * the first scan, a `trim()` or `JSON.parse`, copies flat: about 4 µs a payload that no request body costs.)
 */
export function jsonArrayBody(n) {
  const parts = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = payloadPieces.join(nextId());
  return Buffer.from(`[${parts.join(',')}]`, 'utf8').toString('utf8');
}

/** The same payloads as parsed objects (what a bridge holds after JSON.parse). */
export function payloadObjects(n) {
  return JSON.parse(jsonArrayBody(n));
}

// ---------------------------------------------------------------- handler ---
// What LiteLLM passes its CustomLogger for an acompletion: `model, messages, kwargs` before the call, then
// `kwargs, response_obj, start_time, end_time` on success; kwargs carries the standard_logging_object.
const KWARGS_TEMPLATE = {
  model: 'gpt-4o',
  messages: MESSAGES,
  optional_params: { temperature: 0.2, max_tokens: 512, top_p: 1.0, tool_choice: 'auto', tools: TOOLS },
  litellm_params: {
    acompletion: true,
    api_base: 'https://api.openai.com/v1',
    custom_llm_provider: 'openai',
    litellm_call_id: ID,
    litellm_trace_id: '4b8e0d52-6c1f-4f7a-9a53-2e6f0c1d7b90',
    metadata: { tags: ['planner'], model_group: 'gpt-4o', requester_metadata: { agentops_session_id: 'sess_01HX' } },
  },
  start_time: '2026-03-02 09:15:01.123456',
  stream: false,
  user: 'u_812',
  call_type: 'acompletion',
  litellm_call_id: ID,
  custom_llm_provider: 'openai',
  temperature: 0.2,
  max_tokens: 512,
};

/** The messages of one call: the user's question carries the call's id. */
const messagesFor = (id) =>
  MESSAGES.map((message) =>
    message.role === 'user' ? { ...message, content: message.content.replace(ID, id) } : message,
  );

/** The response of one call: the answer carries the call's id. */
function responseFor(id) {
  const [choice] = RESPONSE.choices;
  return {
    ...RESPONSE,
    choices: [{ ...choice, message: { ...choice.message, content: choice.message.content.replace(ID, id) } }],
  };
}

/** The events of one call: fresh kwargs (pre-call), the success kwargs (with the standard logging object) and response. */
export function handlerCall() {
  const id = nextId();
  const messages = messagesFor(id);
  const response = responseFor(id);
  const kwargs = {
    ...KWARGS_TEMPLATE,
    messages,
    litellm_call_id: id,
    litellm_params: { ...KWARGS_TEMPLATE.litellm_params, litellm_call_id: id },
  };
  const success = {
    ...kwargs,
    end_time: '2026-03-02 09:15:04.498456',
    standard_logging_object: { ...PAYLOAD_TEMPLATE, id, messages, response },
    response_cost: 0.0040225,
  };
  return { kwargs, success, response, model: 'gpt-4o', messages };
}

/** Runs one pre-call + success pair through a handler-shaped object. */
export function runHandlerCall(handler, call) {
  handler.logPreApiCall(call.model, call.messages, call.kwargs);
  handler.logSuccessEvent(call.success, call.response, call.kwargs.start_time, call.success.end_time);
}

/** Texts a captured span must contain when content is on (and must not when it is off). */
export const LITELLM_NEEDLES = { input: USER.slice(0, 40), output: ANSWER.slice(0, 60), usage: 171 };
