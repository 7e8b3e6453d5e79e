/**
 * The reply a request gets, independent of the wire format: chat completions and the Responses API both normalize
 * their request into a {@link Conversation} and serialize the same {@link ReplyPlan}.
 */
import type { Scenario } from './scenario.ts';
import { countTokens, firstWords, splitChars, splitWords, valueFromSchema } from './text.ts';

/** One message of a conversation, reduced to its role and text. */
export interface Turn {
  /** `system`, `user`, `assistant` or `tool` (tool results). */
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** All text of the message, tool-call arguments included. */
  text: string;
}

/** A function tool offered by the request. */
export interface ToolDef {
  /** Function name. */
  name: string;
  /** JSON schema of the arguments. */
  parameters: unknown;
}

/** A request reduced to what decides the reply. */
export interface Conversation {
  /** Requested model name (echoed back). */
  model: string;
  /** Messages in order. */
  turns: Turn[];
  /** Function tools offered. */
  tools: ToolDef[];
  /** `auto`, `none`, `required`, or the name of a forced function. */
  toolChoice: 'auto' | 'none' | 'required' | { name: string };
  /** Output token cap (`max_tokens`, `max_completion_tokens`, `max_output_tokens`). */
  maxTokens?: number;
}

/** Token usage of a reply, OpenAI semantics: cached ⊆ prompt, reasoning ⊆ completion. */
export interface PlanUsage {
  /** Prompt tokens, cached prefix included. */
  prompt: number;
  /** Completion tokens, reasoning included. */
  completion: number;
  /** Cached prompt tokens. */
  cached: number;
  /** Reasoning tokens. */
  reasoning: number;
}

/** What the mock answers. */
export type ReplyPlan =
  | {
      /** A text answer. */
      kind: 'text';
      /** Full reply text. */
      text: string;
      /** Stream content deltas; they concatenate to `text`. */
      chunks: string[];
      /** OpenAI chat finish reason (`stop`, `length`, ...). */
      finishReason: string;
      /** Token usage of the answer. */
      usage: PlanUsage;
    }
  | {
      /** One call of a function tool. */
      kind: 'tool';
      /** Function to call. */
      name: string;
      /** JSON arguments. */
      arguments: string;
      /** Stream argument fragments; they concatenate to `arguments`. */
      chunks: string[];
      /** Always `tool_calls`. */
      finishReason: 'tool_calls';
      /** Token usage of the answer. */
      usage: PlanUsage;
    };

const FILLER = 'more';
const REPLY_WORDS = 12;

function lastText(turns: Turn[], role: Turn['role']): string {
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i];
    if (turn?.role === role) return turn.text;
  }
  return '';
}

/** Chooses the reply for a conversation under a scenario. Pure and deterministic. */
export function planReply(conversation: Conversation, scenario: Scenario): ReplyPlan {
  const promptWords = conversation.turns.reduce((sum, turn) => sum + countTokens(turn.text), 0);
  const prompt = promptWords + scenario.cachedTokens;
  const last = conversation.turns.at(-1);
  const afterTool = last?.role === 'tool';
  const { tools, toolChoice } = conversation;

  if (!afterTool && tools.length > 0 && toolChoice !== 'none') {
    const forced = typeof toolChoice === 'object' ? tools.find((t) => t.name === toolChoice.name) : undefined;
    const tool = forced ?? tools[0]!;
    const args = scenario.toolArgs ?? JSON.stringify(valueFromSchema(tool.parameters));
    const completion = countTokens(tool.name) + countTokens(args) + scenario.reasoningTokens;
    return {
      kind: 'tool',
      name: tool.name,
      arguments: args,
      chunks: splitChars(args, scenario.chunks ?? 3),
      finishReason: 'tool_calls',
      usage: { prompt, completion, cached: scenario.cachedTokens, reasoning: scenario.reasoningTokens },
    };
  }

  let text: string;
  if (scenario.reply !== undefined) text = scenario.reply;
  else if (afterTool) text = `Tool result: ${firstWords(last?.text ?? '', REPLY_WORDS) || '(empty)'}`;
  else text = `Echo: ${firstWords(lastText(conversation.turns, 'user'), REPLY_WORDS) || '(no user message)'}`;

  let finishReason = scenario.finishReason ?? 'stop';
  const cap = conversation.maxTokens;
  if (cap !== undefined && countTokens(text) > cap) {
    text = firstWords(text, Math.max(1, cap));
    finishReason = 'length';
  }
  if (scenario.chunks !== undefined) {
    const words = text === '' ? [] : text.split(' ');
    while (words.length < scenario.chunks) words.push(FILLER);
    text = words.join(' ');
  }
  const chunks = splitWords(text, scenario.chunks ?? text.split(' ').length);
  return {
    kind: 'text',
    text,
    chunks,
    finishReason,
    usage: {
      prompt,
      completion: countTokens(text) + scenario.reasoningTokens,
      cached: scenario.cachedTokens,
      reasoning: scenario.reasoningTokens,
    },
  };
}
