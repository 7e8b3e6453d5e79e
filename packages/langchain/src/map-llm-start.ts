import type { CallStartEvent, RequestParams, ToolDefinition } from '@agentops/llm-callback-core';
import {
  field,
  readArray,
  readCount,
  readNumber,
  readString,
  readStringArray,
  safeIndex,
} from '@agentops/llm-callback-core/adapter-kit';
import { mapMessages, mapPrompts } from './map-messages.js';
import { classPath, mapRunMetadata } from './map-run.js';
import { firstOf, hasDefined, isRecord, list, lookup, path, safely } from './read.js';

/** What a chat-model or LLM start says, as a core call-start event (the handler adds key, parents and the snapshot). */
export type LlmStartFields = Omit<CallStartEvent, 'key' | 'parentKey' | 'parentContext' | 'framework' | 'snapshot'>;

/** The handler's part of a call-start event: the run's key, its parents and the stream snapshot hook. */
export type LlmRunFields = Pick<CallStartEvent, 'key' | 'parentKey' | 'parentContext' | 'snapshot'>;

/** The arguments of `handleChatModelStart` / `handleLLMStart` that mapping reads. */
export interface LlmStartArgs {
  operation: 'chat' | 'text_completion';
  serialized: unknown;
  /** `messages` (chat) or `prompts` (text). */
  input: unknown;
  extraParams: unknown;
  tags: unknown;
  metadata: unknown;
}

/** `ls_provider` values LangChain integrations use → the names the core knows. Others pass through. */
const PROVIDERS: Record<string, string> = {
  google_genai: 'gemini',
  google_vertexai: 'vertex_ai',
  google_vertexai_web: 'vertex_ai',
  amazon_bedrock: 'bedrock',
  azure_openai: 'azure',
  mistralai: 'mistral',
};

/** The provider: `metadata.ls_provider`, else the integration segment of the class path. */
export function providerOf(serialized: unknown, metadata: unknown): string | undefined {
  const provider = readString(field(metadata, 'ls_provider')) ?? integrationOf(serialized);
  return provider ? (lookup(PROVIDERS, provider.toLowerCase()) ?? provider) : undefined;
}

/** `openai` in `['langchain', 'chat_models', 'openai', 'ChatOpenAI']`. */
function integrationOf(serialized: unknown): string | undefined {
  const id = classPath(serialized);
  return id[0] === 'langchain' && id.length >= 4 ? id[id.length - 2] : undefined;
}

const MODEL_KEYS = ['model', 'model_name', 'modelName', 'model_id'] as const;
const KWARGS_MODEL_KEYS = ['model', 'model_name', 'modelName'] as const;

/** The requested model: invocation params (`model`, `model_name`, `modelName`, `model_id`), `ls_model_name`, kwargs. */
export function requestModelOf(serialized: unknown, invocationParams: unknown, metadata: unknown): string | undefined {
  return (
    firstOf(invocationParams, readString, MODEL_KEYS) ??
    readString(field(metadata, 'ls_model_name')) ??
    firstOf(field(serialized, 'kwargs'), readString, KWARGS_MODEL_KEYS)
  );
}

// Key lists are constants: the mapping runs on every call.
const MAX_TOKENS_KEYS = [
  'max_tokens',
  'max_completion_tokens',
  'maxTokens',
  'max_output_tokens',
  'maxOutputTokens',
  'num_predict',
] as const;
const TOP_P_KEYS = ['top_p', 'topP'] as const;
const TOP_K_KEYS = ['top_k', 'topK'] as const;
const FREQUENCY_PENALTY_KEYS = ['frequency_penalty', 'frequencyPenalty'] as const;
const PRESENCE_PENALTY_KEYS = ['presence_penalty', 'presencePenalty'] as const;
const STOP_KEYS = ['stop', 'stop_sequences', 'stopSequences'] as const;
const TOOL_CHOICE_KEYS = ['name', 'type'] as const;

/** `response_format` → the core's output type (`json_object` / `json_schema` → `json`). */
function responseFormatOf(params: unknown): string | undefined {
  const format = field(params, 'response_format');
  const type = readString(format) ?? readString(field(format, 'type'));
  return type?.startsWith('json') ? 'json' : type;
}

/** `tool_choice` as a string: `auto`/`none`/`required`/`any`, or the forced tool's name. */
function toolChoiceOf(params: unknown): string | undefined {
  const choice = field(params, 'tool_choice');
  if (choice === undefined) return undefined;
  return (
    readString(choice) ?? readString(path(choice, 'function', 'name')) ?? firstOf(choice, readString, TOOL_CHOICE_KEYS)
  );
}

/** Request parameters from `invocation_params` (snake or camel case), falling back to the `ls_*` metadata. */
export function mapRequestParams(invocationParams: unknown, metadata: unknown): RequestParams | undefined {
  const p = invocationParams;
  // Absent values stay `undefined`: the core reads them as not set.
  const params: RequestParams = {
    temperature: readNumber(field(p, 'temperature')) ?? readNumber(field(metadata, 'ls_temperature')),
    maxTokens: firstOf(p, readNumber, MAX_TOKENS_KEYS) ?? readNumber(field(metadata, 'ls_max_tokens')),
    topP: firstOf(p, readNumber, TOP_P_KEYS),
    topK: firstOf(p, readNumber, TOP_K_KEYS),
    frequencyPenalty: firstOf(p, readNumber, FREQUENCY_PENALTY_KEYS),
    presencePenalty: firstOf(p, readNumber, PRESENCE_PENALTY_KEYS),
    stopSequences: firstOf(p, readStringArray, STOP_KEYS) ?? readStringArray(field(metadata, 'ls_stop')),
    seed: readNumber(field(p, 'seed')),
    choiceCount: readCount(field(p, 'n')),
    responseFormat: responseFormatOf(p),
    toolChoice: toolChoiceOf(p),
  };
  return hasDefined(params) ? params : undefined;
}

/** A JSON schema object, not a zod schema or a class instance (those would serialize as noise). */
function jsonSchema(value: unknown): unknown {
  if (!isRecord(value) || field(value, '_def') !== undefined || field(value, '_zod') !== undefined) return undefined;
  return value;
}

/** One tool definition in the OpenAI, Anthropic or generic (`StructuredTool`) shape. */
export function mapToolDefinition(tool: unknown): ToolDefinition | undefined {
  const fn = field(tool, 'function');
  const source = fn !== undefined ? fn : tool;
  const name = readString(field(source, 'name'));
  if (!name) return undefined;
  return {
    name,
    description: readString(field(source, 'description')),
    parameters:
      jsonSchema(field(source, 'parameters')) ??
      jsonSchema(field(source, 'input_schema')) ??
      jsonSchema(field(source, 'schema')),
    type: fn !== undefined ? 'function' : readString(field(tool, 'type')),
  };
}

/** True for a non-empty array (a Proxy whose length throws reads as empty, as `list` would). */
function hasItems(value: unknown): boolean {
  const array = readArray(value);
  return array !== undefined && safely(() => array.length > 0) === true;
}

/** Tool definitions from `invocation_params.tools` (Google's `functionDeclarations` unwrapped), else call options. */
export function mapToolDefinitions(invocationParams: unknown, options: unknown): ToolDefinition[] | undefined {
  const fromParams = field(invocationParams, 'tools');
  const source = hasItems(fromParams) ? fromParams : field(options, 'tools');
  if (!hasItems(source)) return undefined; // most calls have no tools: nothing to copy
  const mapped: ToolDefinition[] = [];
  for (const tool of list(source)) {
    const declarations = list(field(tool, 'functionDeclarations'));
    for (const one of declarations.length > 0 ? declarations : [tool]) {
      const definition = safely(() => mapToolDefinition(one));
      if (definition) mapped.push(definition);
    }
  }
  return mapped.length > 0 ? mapped : undefined;
}

/** The request messages, built only when the core records content (`buildMessages`). */
function requestMessages(operation: LlmStartArgs['operation'], input: unknown) {
  if (operation !== 'chat') return mapPrompts(input);
  const batch = readArray(input);
  return mapMessages(batch ? safeIndex(batch, 0) : undefined);
}

/**
 * `handleChatModelStart` / `handleLLMStart` → a call-start event, `run` (key, parents, snapshot) included; no tools
 * without `withContent`. The messages are a builder: the core calls it only for sampled spans that record content.
 * Absent values stay `undefined` (the core reads them as not set) rather than being copied out.
 */
export function mapLlmStart(args: LlmStartArgs, run: LlmRunFields, withContent = true): CallStartEvent {
  const { operation, serialized, input, metadata } = args;
  const invocationParams = field(args.extraParams, 'invocation_params');
  // `invocation_params.stream` is computed before `.stream()` switches to streaming, so only `true` is reliable;
  // the core marks a call as streamed once chunks were recorded.
  const stream = field(invocationParams, 'stream') === true || field(invocationParams, 'streaming') === true;
  return {
    key: run.key,
    parentKey: run.parentKey,
    parentContext: run.parentContext,
    snapshot: run.snapshot,
    operation,
    provider: safely(() => providerOf(serialized, metadata)),
    model: safely(() => requestModelOf(serialized, invocationParams, metadata)),
    params: safely(() => mapRequestParams(invocationParams, metadata)),
    stream: stream || undefined,
    // Tool schemas are content: not read when the recorder records none.
    tools: withContent
      ? safely(() => mapToolDefinitions(invocationParams, field(args.extraParams, 'options')))
      : undefined,
    buildMessages: () => requestMessages(operation, input),
    metadata: safely(() => mapRunMetadata(metadata, args.tags)),
  };
}
