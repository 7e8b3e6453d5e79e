import type {
  CallMetadata,
  CallStartEvent,
  ErrorInfo,
  RequestParams,
  RunStartEvent,
  ToolDefinition,
} from '@agentops/llm-callback-core';
import { mapMessages, mapPrompts, messageData, messageRole, readToolMessage } from './map-messages.js';
import {
  compact,
  field,
  firstDefined,
  isRecord,
  path,
  readArray,
  readCount,
  readNumber,
  readString,
  readStringList,
  safely,
} from './read.js';

/** What a chat-model or LLM start says, as a core call-start event (the handler adds key, parents and framework). */
export type LlmStartFields = Omit<CallStartEvent, 'key' | 'parentKey' | 'parentContext' | 'framework'>;

/** What a chain, agent, tool or retriever start says, as a core run-start event. */
export type RunStartFields = Omit<RunStartEvent, 'key' | 'parentKey' | 'parentContext' | 'framework'>;

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

/** Tags LangChain and LangGraph add for their own plumbing; they would drown the user's tags. */
const SYSTEM_TAG = /^(?:seq:step:\d+|graph:step:\d+|langsmith:.*|nostream)$/;

/** The class path LangChain serialized a runnable as (`id`), e.g. `[..., 'openai', 'ChatOpenAI']`. */
function classPath(serialized: unknown): string[] {
  return readArray(field(serialized, 'id')).filter((part): part is string => typeof part === 'string');
}

/** The provider: `metadata.ls_provider`, else the integration segment of the class path. */
export function providerOf(serialized: unknown, metadata: unknown): string | undefined {
  const fromMetadata = readString(field(metadata, 'ls_provider'));
  const id = classPath(serialized);
  const fromPath = id[0] === 'langchain' && id.length >= 4 ? id[id.length - 2] : undefined;
  const provider = fromMetadata ?? fromPath;
  return provider ? (PROVIDERS[provider.toLowerCase()] ?? provider) : undefined;
}

/** The requested model: invocation params (`model`, `model_name`, `modelName`, `model_id`), `ls_model_name`, kwargs. */
export function requestModelOf(serialized: unknown, invocationParams: unknown, metadata: unknown): string | undefined {
  const kwargs = field(serialized, 'kwargs');
  return (
    readString(field(invocationParams, 'model')) ??
    readString(field(invocationParams, 'model_name')) ??
    readString(field(invocationParams, 'modelName')) ??
    readString(field(invocationParams, 'model_id')) ??
    readString(field(metadata, 'ls_model_name')) ??
    readString(field(kwargs, 'model')) ??
    readString(field(kwargs, 'model_name')) ??
    readString(field(kwargs, 'modelName'))
  );
}

function numberParam(params: unknown, ...keys: string[]): number | undefined {
  return firstDefined(...keys.map((key) => readNumber(field(params, key))));
}

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
    readString(choice) ??
    readString(path(choice, 'function', 'name')) ??
    readString(field(choice, 'name')) ??
    readString(field(choice, 'type'))
  );
}

/** Request parameters from `invocation_params` (snake or camel case), falling back to the `ls_*` metadata. */
export function mapRequestParams(invocationParams: unknown, metadata: unknown): RequestParams | undefined {
  const p = invocationParams;
  const params = compact<RequestParams>({
    temperature: numberParam(p, 'temperature') ?? readNumber(field(metadata, 'ls_temperature')),
    maxTokens:
      numberParam(p, 'max_tokens', 'max_completion_tokens', 'maxTokens', 'max_output_tokens', 'maxOutputTokens') ??
      numberParam(p, 'num_predict') ??
      readNumber(field(metadata, 'ls_max_tokens')),
    topP: numberParam(p, 'top_p', 'topP'),
    topK: numberParam(p, 'top_k', 'topK'),
    frequencyPenalty: numberParam(p, 'frequency_penalty', 'frequencyPenalty'),
    presencePenalty: numberParam(p, 'presence_penalty', 'presencePenalty'),
    stopSequences:
      readStringList(field(p, 'stop')) ??
      readStringList(field(p, 'stop_sequences')) ??
      readStringList(field(p, 'stopSequences')) ??
      readStringList(field(metadata, 'ls_stop')),
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
  const type = readString(field(tool, 'type'));
  return compact<ToolDefinition>({
    name,
    description: readString(field(source, 'description')),
    parameters:
      jsonSchema(field(source, 'parameters')) ??
      jsonSchema(field(source, 'input_schema')) ??
      jsonSchema(field(source, 'schema')),
    type: fn !== undefined ? 'function' : type,
  });
}

/** Tool definitions from `invocation_params.tools` (Google's `functionDeclarations` unwrapped), else call options. */
export function mapToolDefinitions(invocationParams: unknown, options: unknown): ToolDefinition[] | undefined {
  const raw = readArray(field(invocationParams, 'tools'));
  const tools = (raw.length > 0 ? raw : readArray(field(options, 'tools'))).flatMap((tool) => {
    const declarations = readArray(field(tool, 'functionDeclarations'));
    return declarations.length > 0 ? declarations : [tool];
  });
  const mapped = tools
    .map((tool) => safely(() => mapToolDefinition(tool)))
    .filter((tool): tool is ToolDefinition => tool !== undefined);
  return mapped.length > 0 ? mapped : undefined;
}

/** Run metadata → core metadata: the user's tags (not LangChain's), conversation and user ids. */
export function mapRunMetadata(metadata: unknown, tags: unknown): CallMetadata | undefined {
  const userTags = readStringList(tags)?.filter((tag) => !SYSTEM_TAG.test(tag));
  const mapped = compact<CallMetadata>({
    tags: userTags && userTags.length > 0 ? userTags : undefined,
    conversationId:
      readString(field(metadata, 'thread_id')) ??
      readString(field(metadata, 'conversation_id')) ??
      readString(field(metadata, 'session_id')),
    userId: readString(field(metadata, 'user_id')) ?? readString(field(metadata, 'userId')),
  });
  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

/** `handleChatModelStart` / `handleLLMStart` → call-start fields. */
export function mapLlmStart(args: LlmStartArgs): LlmStartFields {
  const invocationParams = field(args.extraParams, 'invocation_params');
  const options = field(args.extraParams, 'options');
  const input = args.operation === 'chat' ? readArray(args.input)[0] : args.input;
  // `invocation_params.stream` is computed before `.stream()` switches to streaming, so only `true` is reliable;
  // whether the call streamed is known from the tokens.
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

/** The name LangChain shows for a run: `runName`, the serialized name, or the class name. */
export function runNameOf(serialized: unknown, runName: unknown, fallback: string): string {
  return readString(runName) ?? readString(field(serialized, 'name')) ?? classPath(serialized).at(-1) ?? fallback;
}

/** True for runs LangChain marks as plumbing (`langsmith:hidden`, e.g. LangGraph's `__start__`). */
export function isHiddenRun(tags: unknown): boolean {
  return readStringList(tags)?.includes('langsmith:hidden') ?? false;
}

/**
 * True for the root of an agent: a `createAgent` graph (its `ls_integration` metadata is inherited by every node, so
 * the graph itself is recognized by its class or by not being a node), or a legacy `AgentExecutor`.
 */
export function isAgentRun(serialized: unknown, metadata: unknown): boolean {
  const className = classPath(serialized).at(-1);
  if (className === 'AgentExecutor') return true;
  if (field(metadata, 'ls_integration') !== 'langchain_create_agent') return false;
  return className === 'CompiledStateGraph' || field(metadata, 'langgraph_node') === undefined;
}

const MAX_VALUE_DEPTH = 4;

/** A message as run input or output shows it: role, content and the tool fields, not LangChain's serialized form. */
function compactMessage(message: unknown, role: string): Record<string, unknown> {
  const data = messageData(message);
  const toolCalls = readArray(field(data, 'tool_calls'));
  return compact({
    role,
    name: readString(field(data, 'name')),
    content: field(data, 'content'),
    tool_calls: toolCalls.length > 0 ? toolCalls : undefined,
    tool_call_id: readString(field(data, 'tool_call_id')),
  });
}

/**
 * A chain's input or output, made readable: messages (also inside lists, `{messages}` state and prompt values)
 * become `{role, content, ...}`; everything else is kept for the core to serialize.
 */
export function mapRunValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_VALUE_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => mapRunValue(item, depth + 1));
  const role = messageRole(value);
  if (role !== undefined && field(messageData(value), 'content') !== undefined) return compactMessage(value, role);
  // A ChatPromptValue (live or serialized) is its list of messages.
  const promptMessages =
    field(value, 'lc') === 1
      ? path(value, 'kwargs', 'messages')
      : typeof field(value, 'toChatMessages') === 'function'
        ? field(value, 'messages')
        : undefined;
  if (Array.isArray(promptMessages)) return mapRunValue(promptMessages, depth + 1);
  // Plain objects and LangGraph's `Command` / `Send` are walked; other class instances are left to the core.
  const prototype = Object.getPrototypeOf(value) as unknown;
  const plain = prototype === Object.prototype || prototype === null || typeof field(value, 'lg_name') === 'string';
  if (!plain) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = mapRunValue(item, depth + 1);
  return out;
}

/** Chain inputs: a lone `{input}` unwrapped; nothing when LangChain defers them (streaming) to the end event. */
export function mapChainInput(inputs: unknown, extra: unknown): unknown {
  if (field(extra, 'lc_defers_inputs') === true) return undefined;
  if (isRecord(inputs)) {
    const keys = Object.keys(inputs);
    if (keys.length === 1 && keys[0] === 'input') return mapRunValue(inputs.input);
  }
  return mapRunValue(inputs);
}

/** Chain outputs: LangChain wraps scalars as `{output}`; unwrap them. */
export function mapChainOutput(outputs: unknown): unknown {
  if (isRecord(outputs)) {
    const keys = Object.keys(outputs);
    if (keys.length === 1 && keys[0] === 'output') return mapRunValue(outputs.output);
  }
  return mapRunValue(outputs);
}

/** The arguments of `handleChainStart` that mapping reads. */
export interface ChainStartArgs {
  serialized: unknown;
  inputs: unknown;
  parentRunId: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
  extra: unknown;
}

/** `handleChainStart` → run-start fields: an agent, a root workflow, or a chain step. */
export function mapChainStart(args: ChainStartArgs): RunStartFields {
  const agent = isAgentRun(args.serialized, args.metadata);
  const name = agent
    ? (readString(field(args.metadata, 'lc_agent_name')) ?? runNameOf(args.serialized, args.runName, 'agent'))
    : runNameOf(args.serialized, args.runName, 'chain');
  const root = readString(args.parentRunId) === undefined;
  return compact<RunStartFields>({
    kind: agent ? 'agent' : root ? 'workflow' : 'chain',
    name,
    input: mapChainInput(args.inputs, args.extra),
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  });
}

/** Tool input: the JSON arguments string parsed back into an object; other strings as given. */
export function mapToolInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  const trimmed = input.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return input;
  return safely(() => JSON.parse(trimmed) as unknown) ?? input;
}

/** The arguments of `handleToolStart` that mapping reads. */
export interface ToolStartArgs {
  serialized: unknown;
  input: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
  toolCallId: unknown;
}

/** `handleToolStart` → run-start fields. The tool's real name is `runName` (the class name is `DynamicStructuredTool`). */
export function mapToolStart(args: ToolStartArgs): RunStartFields {
  return compact<RunStartFields>({
    kind: 'tool',
    name: runNameOf(args.serialized, args.runName, 'tool'),
    input: mapToolInput(args.input),
    tool: compact({
      callId: readString(args.toolCallId),
      description: readString(path(args.serialized, 'kwargs', 'description')),
    }),
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  });
}

/**
 * Tool output: a `ToolMessage`'s content (or the one inside a LangGraph `Command` update), else the value as given.
 * `isError` when the tool message reports `status: 'error'` (a tool error turned into a message for the model).
 */
export function mapToolOutput(output: unknown): { output: unknown; isError: boolean } {
  const direct = readToolMessage(output);
  if (direct) return { output: direct.result, isError: direct.isError };
  const updateMessages = readArray(path(output, 'update', 'messages'));
  const inCommand = updateMessages.map(readToolMessage).find((message) => message !== undefined);
  if (inCommand) return { output: inCommand.result, isError: inCommand.isError };
  return { output, isError: false };
}

/** The arguments of `handleRetrieverStart` that mapping reads. */
export interface RetrieverStartArgs {
  serialized: unknown;
  query: unknown;
  tags: unknown;
  metadata: unknown;
  runName: unknown;
}

/** `handleRetrieverStart` → run-start fields, with the query as input. */
export function mapRetrieverStart(args: RetrieverStartArgs): RunStartFields {
  return compact<RunStartFields>({
    kind: 'retriever',
    name: runNameOf(args.serialized, args.runName, 'retriever'),
    input: args.query,
    metadata: safely(() => mapRunMetadata(args.metadata, args.tags)),
  });
}

/** Retrieved documents → `{content, metadata, id}` objects. */
export function mapDocuments(documents: unknown): unknown[] {
  return readArray(documents).map((document) =>
    compact({
      id: readString(field(document, 'id')),
      content: field(document, 'pageContent'),
      metadata: field(document, 'metadata'),
    }),
  );
}

/**
 * The error code the core would not find on its own: OpenAI-style nested `error.code`, or LangChain's
 * `lc_error_code` (e.g. `MODEL_RATE_LIMIT`). The core reads the type, message and HTTP status from the error itself.
 */
export function mapErrorInfo(error: unknown): ErrorInfo | undefined {
  const code =
    readString(field(error, 'code')) ??
    readString(path(error, 'error', 'code')) ??
    readString(field(error, 'lc_error_code'));
  return code ? { code } : undefined;
}
