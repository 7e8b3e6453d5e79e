/** POST /v1/responses (OpenAI Responses API): request normalization, the JSON answer and the SSE event sequence. */
import type { Conversation, PlanUsage, ReplyPlan, ToolDef, Turn } from './plan.ts';
import type { StreamEvent } from './stream.ts';
import { contentText, isRecord } from './text.ts';

/** Ids and timestamps of one Responses answer. */
export interface ResponseMeta {
  /** `resp_mock_N`. */
  id: string;
  /** `msg_mock_N` or `fc_mock_N`: id of the single output item. */
  itemId: string;
  /** `call_mock_N` for a function call. */
  callId: string;
  /** Unix seconds. */
  created: number;
  /** Model name echoed from the request. */
  model: string;
}

function roleOf(role: unknown): Turn['role'] | undefined {
  if (role === 'developer' || role === 'system') return 'system';
  if (role === 'user' || role === 'assistant') return role;
  return undefined;
}

/** Reads a Responses request; returns an error message for a request the real API would reject with 400. */
export function responsesConversation(body: Record<string, unknown>): Conversation | string {
  if (typeof body.model !== 'string' || body.model === '') return "Missing required parameter: 'model'.";
  const turns: Turn[] = [];
  if (typeof body.instructions === 'string') turns.push({ role: 'system', text: body.instructions });
  if (typeof body.input === 'string') turns.push({ role: 'user', text: body.input });
  else if (Array.isArray(body.input)) {
    for (const item of body.input) {
      if (!isRecord(item)) continue;
      const role = roleOf(item.role);
      if (role && (item.type === undefined || item.type === 'message')) {
        turns.push({ role, text: contentText(item.content) });
      } else if (item.type === 'function_call') {
        turns.push({ role: 'assistant', text: typeof item.arguments === 'string' ? item.arguments : '' });
      } else if (item.type === 'function_call_output') {
        turns.push({ role: 'tool', text: contentText(item.output) });
      }
      // item_reference and reasoning items point at server-side state the mock does not keep: they add nothing.
    }
  } else return "Missing required parameter: 'input'.";
  const tools: ToolDef[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (isRecord(tool) && tool.type === 'function' && typeof tool.name === 'string') {
        tools.push({ name: tool.name, parameters: tool.parameters });
      }
    }
  }
  let toolChoice: Conversation['toolChoice'] = 'auto';
  const choice = body.tool_choice;
  if (choice === 'none' || choice === 'required') toolChoice = choice;
  else if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string') {
    toolChoice = { name: choice.name };
  }
  const max = body.max_output_tokens;
  const maxTokens = typeof max === 'number' && Number.isInteger(max) && max > 0 ? max : undefined;
  return { model: body.model, turns, tools, toolChoice, maxTokens };
}

/** Responses API `usage` object. */
export function responsesUsage(usage: PlanUsage): Record<string, unknown> {
  return {
    input_tokens: usage.prompt,
    input_tokens_details: { cached_tokens: usage.cached },
    output_tokens: usage.completion,
    output_tokens_details: { reasoning_tokens: usage.reasoning },
    total_tokens: usage.prompt + usage.completion,
  };
}

function outputItem(plan: ReplyPlan, meta: ResponseMeta, done: boolean): Record<string, unknown> {
  const status = done ? 'completed' : 'in_progress';
  if (plan.kind === 'tool') {
    return {
      id: meta.itemId,
      type: 'function_call',
      status,
      arguments: done ? plan.arguments : '',
      call_id: meta.callId,
      name: plan.name,
    };
  }
  return {
    id: meta.itemId,
    type: 'message',
    status,
    role: 'assistant',
    content: done ? [{ type: 'output_text', text: plan.text, annotations: [], logprobs: [] }] : [],
  };
}

/** The `response` object, as returned non-streamed or inside `response.created` / `response.completed`. */
export function responseObject(
  plan: ReplyPlan,
  meta: ResponseMeta,
  body: Record<string, unknown>,
  phase: 'in_progress' | 'done',
): Record<string, unknown> {
  const truncated = plan.kind === 'text' && plan.finishReason === 'length';
  const done = phase === 'done';
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.created,
    status: done ? (truncated ? 'incomplete' : 'completed') : 'in_progress',
    background: false,
    error: null,
    incomplete_details: done && truncated ? { reason: 'max_output_tokens' } : null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: meta.model,
    output: done ? [outputItem(plan, meta, true)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store !== false,
    text: { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    truncation: 'disabled',
    usage: done ? responsesUsage(plan.usage) : null,
    metadata: {},
  };
}

/**
 * The streamed event sequence: created, in_progress, output_item.added, (content_part.added, output_text.delta*,
 * output_text.done, content_part.done | function_call_arguments.delta*, .done), output_item.done, completed.
 */
export function responsesEvents(plan: ReplyPlan, meta: ResponseMeta, body: Record<string, unknown>): StreamEvent[] {
  let sequence = 0;
  const events: StreamEvent[] = [];
  const push = (type: string, payload: Record<string, unknown>, content = false): void => {
    events.push({ event: type, data: { type, sequence_number: sequence++, ...payload }, content });
  };
  const location = { item_id: meta.itemId, output_index: 0 };
  push('response.created', { response: responseObject(plan, meta, body, 'in_progress') });
  push('response.in_progress', { response: responseObject(plan, meta, body, 'in_progress') });
  push('response.output_item.added', { output_index: 0, item: outputItem(plan, meta, false) });
  if (plan.kind === 'text') {
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    push('response.content_part.added', { ...location, content_index: 0, part });
    for (const delta of plan.chunks) {
      push('response.output_text.delta', { ...location, content_index: 0, delta, logprobs: [] }, true);
    }
    push('response.output_text.done', { ...location, content_index: 0, text: plan.text, logprobs: [] });
    push('response.content_part.done', { ...location, content_index: 0, part: { ...part, text: plan.text } });
  } else {
    for (const delta of plan.chunks) push('response.function_call_arguments.delta', { ...location, delta }, true);
    push('response.function_call_arguments.done', { ...location, arguments: plan.arguments });
  }
  push('response.output_item.done', { output_index: 0, item: outputItem(plan, meta, true) });
  const final = responseObject(plan, meta, body, 'done');
  push(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
  return events;
}
