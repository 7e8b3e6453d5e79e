import type { CallEndEvent, OutputMessage, Usage } from '@agentops/llm-callback-core';
import {
  fromOpenAIMessage,
  fromOpenAIResponseOutput,
  readArray,
  readCount,
  readString,
  toEpochMillis,
} from '@agentops/llm-callback-core/adapter-kit';
import { first, isMarker, obj, parseJson } from './read.js';

/** What a response object tells about the end of a call. */
export type ResponseFields = Pick<
  CallEndEvent,
  'outputs' | 'finishReasons' | 'usage' | 'responseId' | 'responseModel' | 'responseCreated'
>;

/**
 * Reads a response: a chat or text completion (`choices[]`), a Responses-API response (`output[]`), an Anthropic
 * message (`content[]`), an embedding list (usage only), or a string (redacted, truncated or serialized JSON).
 * With `withOutputs: false` (no content is recorded) chat choices are not turned into messages: only their finish
 * reasons are read.
 */
export function mapResponse(value: unknown, withOutputs = true): ResponseFields {
  if (typeof value === 'string') {
    const parsed = parseJson(value);
    if (parsed !== undefined) return mapResponse(parsed, withOutputs);
    return value === '' || isMarker(value) || !withOutputs
      ? {}
      : { outputs: [{ role: 'assistant', parts: [{ type: 'text', content: value }] }] };
  }
  const response = obj(value);
  if (!response) return {};
  const outputs: OutputMessage[] = [];
  const finishReasons: string[] = [];
  const choices = readArray(response.choices);
  if (choices) {
    for (const item of choices) {
      const choice = obj(item);
      if (!choice) continue;
      const finishReason = readString(choice.finish_reason);
      if (finishReason) finishReasons.push(finishReason);
      if (!withOutputs) continue;
      const message = fromOpenAIMessage(choice.message ?? choice.text, 'assistant');
      if (message) outputs.push(finishReason ? { ...message, finishReason } : message);
      else if (finishReason) outputs.push({ role: 'assistant', parts: [], finishReason });
    }
  }
  const items = readArray(response.output) ?? (response.type === 'message' ? readArray(response.content) : undefined);
  if (items) {
    const output = fromOpenAIResponseOutput(items, itemsFinishReason(response, items));
    if (output?.finishReason !== undefined) finishReasons.push(output.finishReason);
    if (output && withOutputs) outputs.push(output);
  }
  return {
    outputs: outputs.length ? outputs : undefined,
    finishReasons: finishReasons.length ? finishReasons : undefined,
    usage: mapUsage(response.usage),
    responseId: readString(response.id),
    responseModel: readString(response.model),
    responseCreated: toEpochMillis(first(response.created, response.created_at)),
  };
}

/** Responses-API and Anthropic responses have no per-choice finish reason: derive one. */
function itemsFinishReason(response: Record<string, unknown>, items: readonly unknown[]): string | undefined {
  const stopReason = readString(response.stop_reason);
  if (stopReason) return stopReason;
  const status = readString(response.status);
  if (status !== 'completed') return readString(obj(response.incomplete_details)?.reason) ?? status;
  return items.some((item) => obj(item)?.type === 'function_call') ? 'tool_calls' : 'stop';
}

/**
 * Token usage from LiteLLM's `Usage` (OpenAI names), the Responses API (`input_tokens`, `*_details`) or Anthropic
 * (`input_tokens` without cached tokens, which are added so input always includes them). `undefined` when all zero.
 */
export function mapUsage(value: unknown): Usage | undefined {
  const usage = obj(value);
  if (!usage) return undefined;
  const promptDetails = obj(usage.prompt_tokens_details) ?? obj(usage.input_tokens_details);
  const completionDetails = obj(usage.completion_tokens_details) ?? obj(usage.output_tokens_details);
  const cacheRead = readCount(first(promptDetails?.cached_tokens, usage.cache_read_input_tokens));
  const cacheCreation = readCount(first(usage.cache_creation_input_tokens, promptDetails?.cache_creation_tokens));
  let inputTokens = readCount(usage.prompt_tokens);
  if (inputTokens === undefined) {
    inputTokens = readCount(usage.input_tokens);
    const anthropic =
      usage.input_tokens_details === undefined && (cacheRead !== undefined || cacheCreation !== undefined);
    if (anthropic && inputTokens !== undefined) inputTokens += (cacheRead ?? 0) + (cacheCreation ?? 0);
  }
  const outputTokens = readCount(first(usage.completion_tokens, usage.output_tokens));
  const totalTokens =
    readCount(usage.total_tokens) ??
    (inputTokens !== undefined && outputTokens !== undefined ? inputTokens + outputTokens : undefined);
  const reasoningTokens = readCount(completionDetails?.reasoning_tokens);
  const any =
    (inputTokens ?? 0) > 0 ||
    (outputTokens ?? 0) > 0 ||
    (totalTokens ?? 0) > 0 ||
    (cacheRead ?? 0) > 0 ||
    (cacheCreation ?? 0) > 0 ||
    (reasoningTokens ?? 0) > 0;
  if (!any) return undefined;
  return {
    inputTokens,
    outputTokens,
    totalTokens,
    cacheReadInputTokens: cacheRead,
    cacheCreationInputTokens: cacheCreation,
    reasoningTokens,
  };
}
