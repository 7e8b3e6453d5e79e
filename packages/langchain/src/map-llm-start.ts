import type { CallStartEvent, RequestParams, ToolDefinition } from '@agentops/llm-callback-core';
import { field, readCount, readNumber, readString, readStringArray } from '@agentops/llm-callback-core/adapter-kit';
import { mapMessages, mapPrompts } from './map-messages.js';
import { classPath, mapRunMetadata } from './map-run.js';
import { compact, firstOf, isRecord, list, lookup, path, safely } from './read.js';

/** What a chat-model or LLM start says, as a core call-start event (the handler adds key, parents and the snapshot). */
export type LlmStartFields = Omit<CallStartEvent, 'key' | 'parentKey' | 'parentContext' | 'framework' | 'snapshot'>;

/** The arguments of `handleChatModelStart` / `handleLLMStart` that mapping reads. */
export interface LlmStartArgs {
  operation: 'chat' | 'text_completion';
  serialized: unknown;
  /** `messages` (chat) or `prompts` (text). */
  input: unknown;
  extraParams: unknown;
  tags: unknown;
  metadata: unknown;
  runName?: unknown;
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
  const id = classPath(serialized);
  const fromPath = id[0] === 'langchain' && id.length >= 4 ? id[id.length - 2] : undefined;
  const provider = readString(field(metadata, 'ls_provider')) ?? fromPath;
  return provider ? (lookup(PROVIDERS, provider.toLowerCase()) ?? provider) : undefined;
}

/** The requested model: invocation params (`model`, `model_name`, `modelName`, `model_id`), `ls_model_name`, kwargs. */
export function requestModelOf(serialized: unknown, invocationParams: unknown, metadata: unknown): string | undefined {
  return (
    firstOf(invocationParams, readString, 'model', 'model_name', 'modelName', 'model_id') ??
    readString(field(metadata, 'ls_model_name')) ??
    firstOf(field(serialized, 'kwargs'), readString, 'model', 'model_name', 'modelName')
  );
}

const numberParam = (params: unknown, ...keys: string[]) => firstOf(params, readNumber, ...keys);

/** `response_format` → the core's output type (`json_object` / `json_schema` → `json`). */
function responseFormatOf(params: unknown): string | undefined {
  const format = field(params, 'response_format');
  const type = readString(format) ?? readString(field(format, 'type'));
  return type?.startsWith('json') ? 'json' : type;
}

/** `tool_choice` as a string: `auto`/`none`/`required`/`any`, or the forced tool's name. */
function toolChoiceOf(params: unknown): string | undefined {
  const choice = field(params, 'tool_choice');
  return (
    readString(choice) ?? readString(path(choice, 'function', 'name')) ?? firstOf(choice, readString, 'name', 'type')
  );
}

/** Request parameters from `invocation_params` (snake or camel case), falling back to the `ls_*` metadata. */
export function mapRequestParams(invocationParams: unknown, metadata: unknown): RequestParams | undefined {
  const p = invocationParams;
  const params = compact<RequestParams>({
    temperature: numberParam(p, 'temperature') ?? readNumber(field(metadata, 'ls_temperature')),
    maxTokens:
      numberParam(
        p,
        'max_tokens',
        'max_completion_tokens',
        'maxTokens',
        'max_output_tokens',
        'maxOutputTokens',
        'num_predict',
      ) ?? readNumber(field(metadata, 'ls_max_tokens')),
    topP: numberParam(p, 'top_p', 'topP'),
    topK: numberParam(p, 'top_k', 'topK'),
    frequencyPenalty: numberParam(p, 'frequency_penalty', 'frequencyPenalty'),
    presencePenalty: numberParam(p, 'presence_penalty', 'presencePenalty'),
    stopSequences:
      firstOf(p, readStringArray, 'stop', 'stop_sequences', 'stopSequences') ??
      readStringArray(field(metadata, 'ls_stop')),
    seed: numberParam(p, 'seed'),
    choiceCount: readCount(field(p, 'n')),
    responseFormat: responseFormatOf(p),
    toolChoice: toolChoiceOf(p),
  });
  return Object.keys(params).length > 0 ? params : undefined;
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
  return compact<ToolDefinition>({
    name,
    description: readString(field(source, 'description')),
    parameters:
      jsonSchema(field(source, 'parameters')) ??
      jsonSchema(field(source, 'input_schema')) ??
      jsonSchema(field(source, 'schema')),
    type: fn !== undefined ? 'function' : readString(field(tool, 'type')),
  });
}

/** Tool definitions from `invocation_params.tools` (Google's `functionDeclarations` unwrapped), else call options. */
export function mapToolDefinitions(invocationParams: unknown, options: unknown): ToolDefinition[] | undefined {
  const raw = list(field(invocationParams, 'tools'));
  const tools = (raw.length > 0 ? raw : list(field(options, 'tools'))).flatMap((tool) => {
    const declarations = list(field(tool, 'functionDeclarations'));
    return declarations.length > 0 ? declarations : [tool];
  });
  const mapped = tools
    .map((tool) => safely(() => mapToolDefinition(tool)))
    .filter((tool): tool is ToolDefinition => tool !== undefined);
  return mapped.length > 0 ? mapped : undefined;
}

/** `handleChatModelStart` / `handleLLMStart` → call-start fields. */
export function mapLlmStart(args: LlmStartArgs): LlmStartFields {
  const invocationParams = field(args.extraParams, 'invocation_params');
  const options = field(args.extraParams, 'options');
  const input = args.operation === 'chat' ? list(args.input)[0] : args.input;
  // `invocation_params.stream` is computed before `.stream()` switches to streaming, so only `true` is reliable;
  // the core marks a call as streamed once chunks were recorded.
  const stream = field(invocationParams, 'stream') === true || field(invocationParams, 'streaming') === true;
  return compact<LlmStartFields>({
    operation: args.operation,
    provider: safely(() => providerOf(args.serialized, args.metadata)),
    model: safely(() => requestModelOf(args.serialized, invocationParams, args.metadata)),
    params: safely(() => mapRequestParams(invocationParams, args.metadata)),
    stream: stream || undefined,
    tools: safely(() => mapToolDefinitions(invocationParams, options)),
    messages: safely(() => (args.operation === 'chat' ? mapMessages(input) : mapPrompts(input))),
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  });
}
