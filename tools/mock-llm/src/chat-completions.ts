/** POST /v1/chat/completions: request normalization and the JSON / SSE answers. */
import type { Conversation, PlanUsage, ReplyPlan, ToolDef, Turn } from './plan.ts';
import type { StreamEvent } from './stream.ts';
import { contentText, isRecord } from './text.ts';

/** Ids and timestamps of one answer. */
export interface AnswerMeta {
  /** `chatcmpl-mock-N`. */
  id: string;
  /** Unix seconds. */
  created: number;
  /** Model name echoed from the request. */
  model: string;
  /** `call_mock_N`, used when the plan is a tool call. */
  toolCallId: string;
}

const FINGERPRINT = 'fp_mock';

function maxTokens(body: Record<string, unknown>): number | undefined {
  for (const key of ['max_completion_tokens', 'max_tokens']) {
    const value = body[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

/** Reads a chat request; returns an error message for a request the real API would reject with 400. */
export function chatConversation(body: Record<string, unknown>): Conversation | string {
  if (typeof body.model !== 'string' || body.model === '') return "Missing required parameter: 'model'.";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "Missing required parameter: 'messages'.";
  const turns: Turn[] = [];
  for (const message of body.messages) {
    if (!isRecord(message) || typeof message.role !== 'string') return "Invalid 'messages': each needs a 'role'.";
    const role = message.role === 'developer' ? 'system' : message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant' && role !== 'tool') {
      return `Invalid value for 'messages.role': '${message.role}'.`;
    }
    let text = contentText(message.content);
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (isRecord(call) && isRecord(call.function) && typeof call.function.arguments === 'string') {
          text = `${text} ${call.function.arguments}`;
        }
      }
    }
    turns.push({ role, text });
  }
  const tools: ToolDef[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (isRecord(tool) && isRecord(tool.function) && typeof tool.function.name === 'string') {
        tools.push({ name: tool.function.name, parameters: tool.function.parameters });
      }
    }
  }
  let toolChoice: Conversation['toolChoice'] = 'auto';
  const choice = body.tool_choice;
  if (choice === 'none' || choice === 'required') toolChoice = choice;
  else if (isRecord(choice) && isRecord(choice.function) && typeof choice.function.name === 'string') {
    toolChoice = { name: choice.function.name };
  }
  return { model: body.model, turns, tools, toolChoice, maxTokens: maxTokens(body) };
}

/** OpenAI chat `usage` object. */
export function chatUsage(usage: PlanUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Non-streamed `chat.completion` body. */
export function chatCompletionJson(plan: ReplyPlan, meta: AnswerMeta): Record<string, unknown> {
  const message =
    plan.kind === 'text'
      ? { role: 'assistant', content: plan.text, refusal: null, annotations: [] }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          annotations: [],
          tool_calls: [
            { id: meta.toolCallId, type: 'function', function: { name: plan.name, arguments: plan.arguments } },
          ],
        };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: chatUsage(plan.usage),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

/**
 * SSE events of a streamed answer: role chunk, content (or tool-call) deltas, finish chunk, optional usage chunk,
 * `[DONE]`. With `include_usage`, every chunk carries `usage: null` except the last one, as the real API does.
 */
export function chatCompletionEvents(plan: ReplyPlan, meta: AnswerMeta, includeUsage: boolean): StreamEvent[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null): StreamEvent['data'] => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const events: StreamEvent[] = [];
  if (plan.kind === 'text') {
    events.push({ data: chunk({ role: 'assistant', content: '', refusal: null }, null), content: false });
    for (const piece of plan.chunks) events.push({ data: chunk({ content: piece }, null), content: true });
  } else {
    events.push({ data: chunk({ role: 'assistant', content: null, refusal: null }, null), content: false });
    const call = { index: 0, id: meta.toolCallId, type: 'function', function: { name: plan.name, arguments: '' } };
    events.push({ data: chunk({ tool_calls: [call] }, null), content: false });
    for (const piece of plan.chunks) {
      events.push({ data: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null), content: true });
    }
  }
  events.push({ data: chunk({}, plan.finishReason), content: false });
  if (includeUsage) {
    events.push({
      data: {
        id: meta.id,
        object: 'chat.completion.chunk',
        created: meta.created,
        model: meta.model,
        service_tier: 'default',
        system_fingerprint: FINGERPRINT,
        choices: [],
        usage: chatUsage(plan.usage),
      },
      content: false,
    });
  }
  events.push({ data: '[DONE]', content: false });
  return events;
}
