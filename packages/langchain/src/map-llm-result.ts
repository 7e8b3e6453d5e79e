import type { CallEndEvent, OutputMessage, Usage } from '@agentops/llm-callback-core';
import { copyFields, field, readCount, readString } from '@agentops/llm-callback-core/adapter-kit';
import { type MessageView, mapMessageView, messageData, roleOf, viewOf } from './map-messages.js';
import { firstOf, hasDefined, list, safely } from './read.js';

/** What an LLM run's `LLMResult` says, as a core call-end event (without the key). */
export type LlmResultFields = Omit<CallEndEvent, 'key' | 'endTime'>;

/** All generations of a result, flattened (one list per prompt; a callback run has one prompt). */
function generationsOf(output: unknown): unknown[] {
  const prompts = list(field(output, 'generations'));
  if (prompts.length === 1) return list(prompts[0]);
  const generations: unknown[] = [];
  for (const prompt of prompts) for (const generation of list(prompt)) generations.push(generation);
  return generations;
}

/**
 * A generation's `message`. A read of its own rather than `field`: `field` serves every key of every payload, so its
 * one property read goes megamorphic, where this one sees generations only.
 */
function messageOf(generation: unknown): unknown {
  if (generation === null || typeof generation !== 'object') return undefined;
  try {
    return (generation as { message?: unknown }).message;
  } catch {
    return undefined;
  }
}

/**
 * A generation read once: its message's view (type and fields) and response metadata serve the output message, finish
 * reason, usage, response id and model alike, so the message's type is asked once a generation, not once a field.
 */
interface GenerationView {
  generation: unknown;
  /** `undefined` when the generation has no message (a text completion). */
  message: MessageView | undefined;
  /** The object holding the message's fields (`undefined` without a message). */
  data: unknown;
  metadata: unknown;
}

function viewGeneration(generation: unknown): GenerationView {
  const message = messageOf(generation);
  const view = message === undefined ? undefined : viewOf(message);
  const data = view?.data;
  return { generation, message: view, data, metadata: field(data, 'response_metadata') };
}

/** A generation viewed as having no message. */
function withoutMessage(generation: unknown): GenerationView {
  return { generation, message: undefined, data: undefined, metadata: undefined };
}

/** {@link viewGeneration} of every generation; one that cannot be read is viewed as having no message. */
function viewGenerations(generations: readonly unknown[]): GenerationView[] {
  return generations.map((generation) => safely(() => viewGeneration(generation)) ?? withoutMessage(generation));
}

const FINISH_REASON_KEYS = ['finish_reason', 'stop_reason', 'done_reason', 'finishReason'] as const;

/** Finish reason of one generation, from OpenAI, Anthropic/Bedrock, Ollama and Google fields. */
export function finishReasonOf(generation: unknown): string | undefined {
  return finishReasonFrom(viewGeneration(generation));
}

function finishReasonFrom({ generation, metadata }: GenerationView): string | undefined {
  const info = field(generation, 'generationInfo');
  for (const key of FINISH_REASON_KEYS) {
    const reason = readString(field(metadata, key)) ?? readString(field(info, key));
    if (reason) return reason;
  }
  return undefined;
}

/** True for objects and functions: what `field` can read from. Anything else has no usage to read. */
function readable(value: unknown): boolean {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/** What {@link usageFromMetadata} reads of a `usage_metadata`, read directly and all at once (see `copyFields`). */
interface UsageMetadataFields {
  input_tokens?: unknown;
  output_tokens?: unknown;
  total_tokens?: unknown;
  input_token_details?: unknown;
  output_token_details?: unknown;
}

const USAGE_METADATA_KEYS = [
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'input_token_details',
  'output_token_details',
];

/** `usage_metadata` (LangChain's standard shape) → core usage. */
export function usageFromMetadata(usage: unknown): Usage | undefined {
  if (!readable(usage)) return undefined;
  let fields: UsageMetadataFields;
  try {
    const { input_tokens, output_tokens, total_tokens, input_token_details, output_token_details } =
      usage as UsageMetadataFields;
    fields = { input_tokens, output_tokens, total_tokens, input_token_details, output_token_details };
  } catch {
    fields = copyFields<UsageMetadataFields>(usage, USAGE_METADATA_KEYS);
  }
  const input = fields.input_token_details;
  const output = fields.output_token_details;
  const mapped: Usage = {
    inputTokens: readCount(fields.input_tokens),
    outputTokens: readCount(fields.output_tokens),
    totalTokens: readCount(fields.total_tokens),
    cacheReadInputTokens: input === undefined ? undefined : readCount(field(input, 'cache_read')),
    cacheCreationInputTokens: input === undefined ? undefined : readCount(field(input, 'cache_creation')),
    reasoningTokens: output === undefined ? undefined : readCount(field(output, 'reasoning')),
  };
  return hasDefined(mapped) ? mapped : undefined;
}

const INPUT_TOKEN_KEYS = ['promptTokens', 'prompt_tokens', 'input_tokens'] as const;
const OUTPUT_TOKEN_KEYS = ['completionTokens', 'completion_tokens', 'output_tokens'] as const;
const TOTAL_TOKEN_KEYS = ['totalTokens', 'total_tokens'] as const;

/** `llmOutput.tokenUsage` / `estimatedTokenUsage` (camelCase) or a raw provider `usage` object → core usage. */
export function usageFromLlmOutput(usage: unknown): Usage | undefined {
  if (!readable(usage)) return undefined;
  const mapped: Usage = {
    inputTokens: firstOf(usage, readCount, INPUT_TOKEN_KEYS),
    outputTokens: firstOf(usage, readCount, OUTPUT_TOKEN_KEYS),
    totalTokens: firstOf(usage, readCount, TOTAL_TOKEN_KEYS),
    cacheReadInputTokens:
      readCount(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')) ??
      readCount(field(usage, 'cache_read_input_tokens')),
    cacheCreationInputTokens: readCount(field(usage, 'cache_creation_input_tokens')),
    reasoningTokens: readCount(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')),
  };
  return hasDefined(mapped) ? mapped : undefined;
}

/** {@link mapUsage} over generations already viewed. */
function usageOf(generations: readonly GenerationView[], llmOutput: unknown): Usage | undefined {
  for (const generation of generations) {
    const usage = usageFromMetadata(field(generation.data, 'usage_metadata'));
    if (usage) return usage;
  }
  const usage = usageFromLlmOutput(field(llmOutput, 'tokenUsage')) ?? usageFromLlmOutput(field(llmOutput, 'usage'));
  if (usage) return usage;
  const estimated = usageFromLlmOutput(field(llmOutput, 'estimatedTokenUsage'));
  return estimated ? { ...estimated, estimated: true } : undefined;
}

/**
 * Usage by LangChain's precedence: the message's `usage_metadata` → `llmOutput.tokenUsage` → `llmOutput.usage`
 * → `llmOutput.estimatedTokenUsage` (marked `estimated`).
 */
export function mapUsage(output: unknown): Usage | undefined {
  return usageOf(viewGenerations(generationsOf(output)), field(output, 'llmOutput'));
}

/** LangChain makes up `run-<runId>` message ids when the provider gives none; those are not response ids. */
function providerId(value: unknown): string | undefined {
  const id = readString(value);
  // Two prefix checks: a regular expression here cost more than the rest of the response id's mapping.
  return id && !id.startsWith('run-') && !id.startsWith('lc_run-') ? id : undefined;
}

/** The first generation, whose message and metadata give the response id and model (an empty view without one). */
function firstGeneration(generations: readonly GenerationView[]): GenerationView {
  return generations[0] ?? withoutMessage(undefined);
}

function responseIdFrom(first: GenerationView, llmOutput: unknown): string | undefined {
  return (
    providerId(field(first.data, 'id')) ?? providerId(field(first.metadata, 'id')) ?? providerId(field(llmOutput, 'id'))
  );
}

const MODEL_NAME_KEYS = ['model_name', 'model'] as const;

function responseModelFrom(first: GenerationView, llmOutput: unknown): string | undefined {
  return (
    firstOf(first.metadata, readString, MODEL_NAME_KEYS) ??
    readString(field(field(first.generation, 'generationInfo'), 'model_name')) ??
    firstOf(llmOutput, readString, MODEL_NAME_KEYS)
  );
}

/** The provider's response id: the message id, then `response_metadata.id`, then `llmOutput.id`. */
export function responseIdOf(output: unknown): string | undefined {
  return responseIdFrom(firstGeneration(viewGenerations(generationsOf(output))), field(output, 'llmOutput'));
}

/** The model that answered: `response_metadata.model_name` / `.model`, then the generation info, then `llmOutput`. */
export function responseModelOf(output: unknown): string | undefined {
  return responseModelFrom(firstGeneration(viewGenerations(generationsOf(output))), field(output, 'llmOutput'));
}

/** One generation → one output message: the chat message when there is one, else the generated text. */
export function mapGeneration(generation: unknown): OutputMessage | undefined {
  return outputOf(viewGeneration(generation));
}

function outputOf(view: GenerationView): OutputMessage | undefined {
  const mapped = view.message && mapMessageView(view.message);
  const text = readString(field(view.generation, 'text'));
  const parts = mapped?.parts ?? [];
  if (parts.length === 0 && text) parts.push({ type: 'text', content: text });
  if (!mapped && parts.length === 0) return undefined;
  return { role: 'assistant', parts, name: mapped?.name, finishReason: finishReasonFrom(view) };
}

/** True when {@link outputOf} would make a message of the generation: it has a message with a role, or text. */
function hasOutput(view: GenerationView): boolean {
  return (
    (view.message !== undefined && roleOf(view.message) !== undefined) ||
    readString(field(view.generation, 'text')) !== undefined
  );
}

/**
 * `handleLLMEnd`'s `LLMResult` → outputs, finish reasons, usage, response id and model. Unreadable parts are dropped.
 * Without `withOutputs` (the span records no content) the output messages are not built: the finish reasons are read
 * from the same generations. Each generation's message is viewed once for all of these. Absent values stay
 * `undefined`: the core reads them as not set.
 */
export function mapLlmResult(output: unknown, withOutputs = true): LlmResultFields {
  const generations = viewGenerations(generationsOf(output));
  const outputs: OutputMessage[] = [];
  const finishReasons: string[] = [];
  for (const generation of generations) {
    if (withOutputs) {
      const message = safely(() => outputOf(generation));
      if (message === undefined) continue;
      outputs.push(message);
      if (message.finishReason !== undefined) finishReasons.push(message.finishReason);
    } else if (safely(() => hasOutput(generation))) {
      const reason = safely(() => finishReasonFrom(generation));
      if (reason !== undefined) finishReasons.push(reason);
    }
  }
  const llmOutput = field(output, 'llmOutput');
  const first = firstGeneration(generations);
  return {
    outputs: outputs.length > 0 ? outputs : undefined,
    finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
    usage: safely(() => usageOf(generations, llmOutput)),
    responseId: safely(() => responseIdFrom(first, llmOutput)),
    responseModel: safely(() => responseModelFrom(first, llmOutput)),
  };
}

const CONTENT_KEYS = ['tool_call_chunks', 'tool_calls', 'content'] as const;

/**
 * True for stream tokens that carry something: text, tool calls (chunks or parsed) or content blocks. OpenAI's empty role, finish
 * and usage chunks do not count, so the first chunk is the first content and the count is the content chunks.
 */
export function isContentToken(token: unknown, chunk: unknown): boolean {
  if (typeof token === 'string' && token.length > 0) return true;
  const message = messageData(field(chunk, 'message'));
  return CONTENT_KEYS.some((key) => list(field(message, key)).length > 0);
}
