import type { CallStartEvent, RequestParams, ToolDefinition } from '@agentops/llm-callback-core';
import {
  copyFields,
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

/** The request fields of `invocation_params` under every name a LangChain integration uses. */
interface InvocationFields {
  temperature?: unknown;
  max_tokens?: unknown;
  max_completion_tokens?: unknown;
  maxTokens?: unknown;
  max_output_tokens?: unknown;
  maxOutputTokens?: unknown;
  num_predict?: unknown;
  top_p?: unknown;
  topP?: unknown;
  top_k?: unknown;
  topK?: unknown;
  frequency_penalty?: unknown;
  frequencyPenalty?: unknown;
  presence_penalty?: unknown;
  presencePenalty?: unknown;
  stop?: unknown;
  stop_sequences?: unknown;
  stopSequences?: unknown;
  seed?: unknown;
  n?: unknown;
  response_format?: unknown;
  tool_choice?: unknown;
}

const INVOCATION_KEYS = [
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'maxTokens',
  'max_output_tokens',
  'maxOutputTokens',
  'num_predict',
  'top_p',
  'topP',
  'top_k',
  'topK',
  'frequency_penalty',
  'frequencyPenalty',
  'presence_penalty',
  'presencePenalty',
  'stop',
  'stop_sequences',
  'stopSequences',
  'seed',
  'n',
  'response_format',
  'tool_choice',
];

/** LangSmith's `ls_*` request fields of the run metadata, read directly (see `copyFields`). */
interface LsParamFields {
  ls_temperature?: unknown;
  ls_max_tokens?: unknown;
  ls_stop?: unknown;
}

const LS_PARAM_KEYS = ['ls_temperature', 'ls_max_tokens', 'ls_stop'];

function lsParamFields(metadata: unknown): LsParamFields {
  if (metadata === null || typeof metadata !== 'object') return {};
  try {
    const fields = metadata as LsParamFields;
    return { ls_temperature: fields.ls_temperature, ls_max_tokens: fields.ls_max_tokens, ls_stop: fields.ls_stop };
  } catch {
    return copyFields<LsParamFields>(metadata, LS_PARAM_KEYS);
  }
}

const TOOL_CHOICE_KEYS = ['name', 'type'] as const;

/** `response_format` → the core's output type (`json_object` / `json_schema` → `json`). */
function responseFormatOf(format: unknown): string | undefined {
  if (format === undefined) return undefined;
  const type = readString(format) ?? readString(field(format, 'type'));
  return type?.startsWith('json') ? 'json' : type;
}

/** `tool_choice` as a string: `auto`/`none`/`required`/`any`, or the forced tool's name. */
function toolChoiceOf(choice: unknown): string | undefined {
  if (choice === undefined) return undefined;
  return (
    readString(choice) ?? readString(path(choice, 'function', 'name')) ?? firstOf(choice, readString, TOOL_CHOICE_KEYS)
  );
}

/** Request parameters from `invocation_params` (snake or camel case), falling back to the `ls_*` metadata. */
export function mapRequestParams(invocationParams: unknown, metadata: unknown): RequestParams | undefined {
  const ls = lsParamFields(metadata);
  const source = invocationParams !== null && typeof invocationParams === 'object' ? invocationParams : {};
  // Building reads every name directly (see `copyFields`; probing key lists with `field` costs a megamorphic read
  // a key); a read that throws sends it to a copy read field by field.
  let params: RequestParams;
  try {
    params = requestParamsOf(source as InvocationFields, ls);
  } catch {
    params = requestParamsOf(copyFields<InvocationFields>(source, INVOCATION_KEYS), ls);
  }
  return hasDefined(params) ? params : undefined;
}

function requestParamsOf(p: InvocationFields, ls: LsParamFields): RequestParams {
  // Absent values stay `undefined`: the core reads them as not set.
  return {
    temperature: readNumber(p.temperature) ?? readNumber(ls.ls_temperature),
    maxTokens:
      readNumber(p.max_tokens) ??
      readNumber(p.max_completion_tokens) ??
      readNumber(p.maxTokens) ??
      readNumber(p.max_output_tokens) ??
      readNumber(p.maxOutputTokens) ??
      readNumber(p.num_predict) ??
      readNumber(ls.ls_max_tokens),
    topP: readNumber(p.top_p) ?? readNumber(p.topP),
    topK: readNumber(p.top_k) ?? readNumber(p.topK),
    frequencyPenalty: readNumber(p.frequency_penalty) ?? readNumber(p.frequencyPenalty),
    presencePenalty: readNumber(p.presence_penalty) ?? readNumber(p.presencePenalty),
    stopSequences:
      readStringArray(p.stop) ??
      readStringArray(p.stop_sequences) ??
      readStringArray(p.stopSequences) ??
      readStringArray(ls.ls_stop),
    seed: readNumber(p.seed),
    choiceCount: readCount(p.n),
    responseFormat: responseFormatOf(p.response_format),
    toolChoice: toolChoiceOf(p.tool_choice),
  };
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
