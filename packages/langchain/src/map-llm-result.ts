import type { CallEndEvent, OutputMessage, Usage } from '@agentops/llm-callback-core';
import { field, readCount, readString } from '@agentops/llm-callback-core/adapter-kit';
import { mapMessage, messageData } from './map-messages.js';
import { compact, firstOf, list, safely } from './read.js';

/** What an LLM run's `LLMResult` says, as a core call-end event (without the key). */
export type LlmResultFields = Omit<CallEndEvent, 'key' | 'endTime'>;

/** All generations of a result, flattened (one list per prompt; a callback run has one prompt). */
function generationsOf(output: unknown): unknown[] {
  return list(field(output, 'generations')).flatMap((prompt) => list(prompt));
}

function responseMetadata(generation: unknown): unknown {
  return field(messageData(field(generation, 'message')), 'response_metadata');
}

/** Finish reason of one generation, from OpenAI, Anthropic/Bedrock, Ollama and Google fields. */
export function finishReasonOf(generation: unknown): string | undefined {
  const info = field(generation, 'generationInfo');
  const metadata = responseMetadata(generation);
  for (const key of ['finish_reason', 'stop_reason', 'done_reason', 'finishReason']) {
    const reason = readString(field(metadata, key)) ?? readString(field(info, key));
    if (reason) return reason;
  }
  return undefined;
}

/** `usage_metadata` (LangChain's standard shape) → core usage. */
export function usageFromMetadata(usage: unknown): Usage | undefined {
  const mapped = compact<Usage>({
    inputTokens: readCount(field(usage, 'input_tokens')),
    outputTokens: readCount(field(usage, 'output_tokens')),
    totalTokens: readCount(field(usage, 'total_tokens')),
    cacheReadInputTokens: readCount(field(field(usage, 'input_token_details'), 'cache_read')),
    cacheCreationInputTokens: readCount(field(field(usage, 'input_token_details'), 'cache_creation')),
    reasoningTokens: readCount(field(field(usage, 'output_token_details'), 'reasoning')),
  });
  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

/** `llmOutput.tokenUsage` / `estimatedTokenUsage` (camelCase) or a raw provider `usage` object → core usage. */
export function usageFromLlmOutput(usage: unknown): Usage | undefined {
  const mapped = compact<Usage>({
    inputTokens: firstOf(usage, readCount, 'promptTokens', 'prompt_tokens', 'input_tokens'),
    outputTokens: firstOf(usage, readCount, 'completionTokens', 'completion_tokens', 'output_tokens'),
    totalTokens: firstOf(usage, readCount, 'totalTokens', 'total_tokens'),
    cacheReadInputTokens:
      readCount(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')) ??
      readCount(field(usage, 'cache_read_input_tokens')),
    cacheCreationInputTokens: readCount(field(usage, 'cache_creation_input_tokens')),
    reasoningTokens: readCount(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
  });
  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

/**
 * Usage by LangChain's precedence: the message's `usage_metadata` → `llmOutput.tokenUsage` → `llmOutput.usage`
 * → `llmOutput.estimatedTokenUsage` (marked `estimated`).
 */
export function mapUsage(output: unknown): Usage | undefined {
  for (const generation of generationsOf(output)) {
    const usage = usageFromMetadata(field(messageData(field(generation, 'message')), 'usage_metadata'));
    if (usage) return usage;
  }
  const llmOutput = field(output, 'llmOutput');
  const usage = usageFromLlmOutput(field(llmOutput, 'tokenUsage')) ?? usageFromLlmOutput(field(llmOutput, 'usage'));
  if (usage) return usage;
  const estimated = usageFromLlmOutput(field(llmOutput, 'estimatedTokenUsage'));
  return estimated ? { ...estimated, estimated: true } : undefined;
}

/** LangChain makes up `run-<runId>` message ids when the provider gives none; those are not response ids. */
function providerId(value: unknown): string | undefined {
  const id = readString(value);
  return id && !/^(lc_)?run-/.test(id) ? id : undefined;
}

/** The provider's response id: the message id, then `response_metadata.id`, then `llmOutput.id`. */
export function responseIdOf(output: unknown): string | undefined {
  const first = generationsOf(output)[0];
  return (
    providerId(field(messageData(field(first, 'message')), 'id')) ??
    providerId(field(responseMetadata(first), 'id')) ??
    providerId(field(field(output, 'llmOutput'), 'id'))
  );
}

/** The model that answered: `response_metadata.model_name` / `.model`, then the generation info, then `llmOutput`. */
export function responseModelOf(output: unknown): string | undefined {
  const first = generationsOf(output)[0];
  const metadata = responseMetadata(first);
  const llmOutput = field(output, 'llmOutput');
  return (
    firstOf(metadata, readString, 'model_name', 'model') ??
    readString(field(field(first, 'generationInfo'), 'model_name')) ??
    firstOf(llmOutput, readString, 'model_name', 'model')
  );
}

/** One generation → one output message: the chat message when there is one, else the generated text. */
export function mapGeneration(generation: unknown): OutputMessage | undefined {
  const message = field(generation, 'message');
  const mapped = message === undefined ? undefined : mapMessage(message);
  const text = readString(field(generation, 'text'));
  const parts = mapped?.parts ?? [];
  if (parts.length === 0 && text) parts.push({ type: 'text', content: text });
  if (!mapped && parts.length === 0) return undefined;
  const finishReason = finishReasonOf(generation);
  return compact<OutputMessage>({ role: 'assistant', parts, name: mapped?.name, finishReason });
}

/** `handleLLMEnd`'s `LLMResult` → outputs, finish reasons, usage, response id and model. Unreadable parts are dropped. */
export function mapLlmResult(output: unknown): LlmResultFields {
  const generations = generationsOf(output);
  const outputs = generations
    .map((generation) => safely(() => mapGeneration(generation)))
    .filter((message): message is OutputMessage => message !== undefined);
  const finishReasons = outputs.map((message) => message.finishReason).filter((r): r is string => r !== undefined);
  return compact<LlmResultFields>({
    outputs: outputs.length > 0 ? outputs : undefined,
    finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
    usage: safely(() => mapUsage(output)),
    responseId: safely(() => responseIdOf(output)),
    responseModel: safely(() => responseModelOf(output)),
  });
}

/**
 * True for stream tokens that carry something: text, tool calls (chunks or parsed) or content blocks. OpenAI's empty role, finish
 * and usage chunks do not count, so the first chunk is the first content and the count is the content chunks.
 */
export function isContentToken(token: unknown, chunk: unknown): boolean {
  if (typeof token === 'string' && token.length > 0) return true;
  const message = messageData(field(chunk, 'message'));
  return ['tool_call_chunks', 'tool_calls', 'content'].some((key) => list(field(message, key)).length > 0);
}
