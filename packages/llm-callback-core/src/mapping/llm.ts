import type { ResolvedConfig } from '../config.js';
import { reportFailure } from '../internal/diag.js';
import {
  copyFields,
  field,
  readArray,
  readBoolean,
  readCount,
  readNumber,
  readString,
  readStringArray,
} from '../internal/read.js';
import { isoTimestamp, toEpochMillis } from '../internal/time.js';
import { toSafeJson, toSafeJsonRepeated, toSafeText } from '../redaction/safe-json.js';
import { ATTR } from '../semconv.js';
import type {
  CallEndEvent,
  CallStartEvent,
  ContentCapture,
  MessagePart,
  RedactionContext,
  RequestParams,
  Usage,
} from '../types.js';
import { AttributeSink } from './attributes.js';
import { indexedKeys } from './indexed-keys.js';
import { joinedText, type NormalizedMessage, normalizeMessages } from './messages.js';
import { mapExtraAttributes, mapMetadata } from './metadata.js';
import { genaiProviderName, normalizeFinishReason, shortProviderName } from './provider.js';

/** Chunk timing kept per streamed call: O(1) per chunk. Times are epoch milliseconds. */
export interface StreamTiming {
  chunkCount: number;
  firstChunkMs: number | undefined;
  lastChunkMs: number | undefined;
  maxGapMs: number;
}

/** Everything known about an LLM call when its span ends. */
export interface LlmCallRecord {
  start: CallStartEvent;
  /** The request messages as captured at start. */
  messages: unknown;
  /** End event, or the partial result of a failed call. */
  result: Partial<CallEndEvent> | undefined;
  startMs: number;
  timing: StreamTiming;
  capture: ContentCapture;
  sessionId: string | undefined;
}

const PROMPT = 'gen_ai.prompt.';
const COMPLETION = 'gen_ai.completion.';
const FUNCTIONS = 'gen_ai.request.functions.';

const REQUEST_TYPES: Readonly<Record<string, string>> = {
  chat: 'chat',
  text_completion: 'completion',
  generate_content: 'chat',
  embeddings: 'embedding',
  rerank: 'rerank',
};

/** What the span's start reads of a call's start event. */
export interface CallIdentity {
  operation?: unknown;
  provider?: unknown;
  model?: unknown;
}

/** Attributes known when the call starts, given to the sampler. */
export function llmStartAttributes(start: CallIdentity, config: ResolvedConfig, sink: AttributeSink): void {
  const operation = readString(start.operation) ?? 'chat';
  const provider = readString(start.provider);
  if (config.agentopsKeys) sink.set(ATTR.SPAN_KIND, 'llm');
  sink.set(ATTR.OPERATION_NAME, operation);
  sink.set(ATTR.REQUEST_MODEL, readString(start.model));
  if (provider) sink.set(ATTR.PROVIDER_NAME, genaiProviderName(provider));
}

/** The span name: `{model}.llm` with AgentOps keys, else the GenAI `{operation} {model}`. */
export function llmSpanName(start: CallIdentity, config: ResolvedConfig): string {
  const model = readString(start.model);
  const operation = readString(start.operation) ?? 'chat';
  if (config.agentopsKeys) return `${model ?? operation}.llm`;
  return model ? `${operation} ${model}` : operation;
}

/**
 * Maps a finished call to attributes. Scalars come first so that, under a span attribute-count limit, the
 * content (which can be long) is what gets dropped.
 */
export function mapLlmAttributes(record: LlmCallRecord, config: ResolvedConfig, sink: AttributeSink): void {
  const { start, result } = record;
  const agentops = config.agentopsKeys;
  const request = requestFields(start);
  const ended = endFields(result);
  // One guard per group (if one fails, only its remaining attributes are lost), written out: this runs on every call.
  try {
    mapRequest(request, agentops, config.framework, record.timing.chunkCount > 0, sink);
  } catch (error) {
    reportFailure('mapping request', error);
  }
  try {
    if (result !== undefined) mapResponse(ended, result, agentops, sink);
  } catch (error) {
    reportFailure('mapping response', error);
  }
  try {
    mapExtraAttributes(ended.attributes, config, sink, 'llm');
  } catch (error) {
    reportFailure('mapping end attributes', error);
  }
  try {
    mapUsage(ended, agentops, sink);
  } catch (error) {
    reportFailure('mapping usage', error);
  }
  try {
    mapTiming(record, ended.firstChunkTime, agentops, sink);
  } catch (error) {
    reportFailure('mapping timing', error);
  }
  try {
    mapMetadata(request.metadata, record.sessionId, config, sink, 'llm');
  } catch (error) {
    reportFailure('mapping metadata', error);
  }
  if (record.capture === 'none') return;
  const input = normalizeMessages(record.messages, 'user');
  const output = normalizeMessages(field(result, 'outputs'), 'assistant');
  // The answer before the question: under the span's attribute-count limit, prompts are what gets trimmed.
  if (agentops) sink.group('completions', () => mapIndexedMessages(COMPLETION, output, record.capture, config, sink));
  if (config.genaiLatest && record.capture === 'all') {
    sink.group('genai messages', () =>
      mapGenaiMessages(input, output, readStringArray(field(result, 'finishReasons')), config, sink),
    );
  }
  sink.group('tools', () => mapToolDefinitions(start, record.capture, config, sink));
  if (agentops) sink.group('prompts', () => mapPrompts(input, record.capture, config, sink));
}

// Room kept for what is set after the mapping (error details, enrichSpan).
const ATTRIBUTE_RESERVE = 8;

/**
 * Indexed prompts within what is left of the span's attribute budget: leading system messages and the most recent
 * messages are kept (with their original indices), older ones are left out and counted.
 */
function mapPrompts(
  input: readonly NormalizedMessage[],
  capture: ContentCapture,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  const budget = config.attributeLimit - sink.count - ATTRIBUTE_RESERVE;
  if (mostAttributesOf(input) <= budget) {
    // Everything fits (the usual case): straight into the span, without a sink per message.
    for (let i = 0; i < input.length; i++)
      mapIndexedMessage(PROMPT, i, input[i] as NormalizedMessage, capture, config, sink);
    return;
  }
  const perMessage = input.map((message, i) => {
    const one = new AttributeSink();
    mapIndexedMessage(PROMPT, i, message, capture, config, one);
    return one.values;
  });
  const total = perMessage.reduce((sum, values) => sum + Object.keys(values).length, 0);
  const keep = new Array<boolean>(input.length).fill(total <= budget);
  if (total > budget) {
    let used = 1; // the omitted count
    const take = (i: number) => {
      const size = Object.keys(perMessage[i] ?? {}).length;
      if (keep[i] || used + size > budget) return false;
      keep[i] = true;
      used += size;
      return true;
    };
    for (let i = 0; i < input.length && input[i]?.role === 'system'; i++) take(i);
    for (let i = input.length - 1; i >= 0; i--) if (!take(i) && !keep[i]) break;
  }
  let omitted = 0;
  for (let i = 0; i < input.length; i++) {
    if (!keep[i]) omitted++;
    else for (const [key, value] of Object.entries(perMessage[i] ?? {})) sink.set(key, value);
  }
  if (omitted > 0) sink.set(ATTR.PROMPT_OMITTED, omitted);
}

/** At most how many attributes `mapIndexedMessage` sets for these messages. */
function mostAttributesOf(messages: readonly NormalizedMessage[]): number {
  let most = 0;
  for (const message of messages) {
    // role, name, finish_reason, content (or its length), reasoning, tool_call_id; then three per tool call
    most += 6;
    for (const part of message.parts) if (part.type === 'tool_call') most += 3;
  }
  return most;
}

type RequestFields = Pick<
  CallStartEvent,
  'provider' | 'operation' | 'framework' | 'stream' | 'serverAddress' | 'serverPort' | 'params' | 'metadata'
>;
type EndFields = Pick<
  CallEndEvent,
  | 'responseId'
  | 'responseModel'
  | 'responseCreated'
  | 'finishReasons'
  | 'warnings'
  | 'cost'
  | 'usage'
  | 'attributes'
  | 'firstChunkTime'
>;

const REQUEST_KEYS = [
  'provider',
  'operation',
  'framework',
  'stream',
  'serverAddress',
  'serverPort',
  'params',
  'metadata',
];
const END_KEYS = [
  'responseId',
  'responseModel',
  'responseCreated',
  'finishReasons',
  'warnings',
  'cost',
  'usage',
  'attributes',
  'firstChunkTime',
];
const PARAM_KEYS = [
  'temperature',
  'maxTokens',
  'topP',
  'topK',
  'frequencyPenalty',
  'presencePenalty',
  'stopSequences',
  'seed',
  'choiceCount',
  'responseFormat',
  'toolChoice',
];
const USAGE_KEYS = [
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadInputTokens',
  'cacheCreationInputTokens',
  'reasoningTokens',
  'estimated',
];
const NO_FIELDS = Object.freeze({});

// The events' fields are read directly, each object's all at once (see `copyFields`: one inline cache per read, where
// `field`, shared by every caller, goes megamorphic), and field by field only when a direct read throws.

function requestFields(start: CallStartEvent): RequestFields {
  try {
    return {
      provider: start.provider,
      operation: start.operation,
      framework: start.framework,
      stream: start.stream,
      serverAddress: start.serverAddress,
      serverPort: start.serverPort,
      params: start.params,
      metadata: start.metadata,
    };
  } catch {
    return copyFields<RequestFields>(start, REQUEST_KEYS);
  }
}

function endFields(result: Partial<CallEndEvent> | undefined): EndFields {
  if (result === undefined) return NO_FIELDS;
  try {
    return {
      responseId: result.responseId,
      responseModel: result.responseModel,
      responseCreated: result.responseCreated,
      finishReasons: result.finishReasons,
      warnings: result.warnings,
      cost: result.cost,
      usage: result.usage,
      attributes: result.attributes,
      firstChunkTime: result.firstChunkTime,
    };
  } catch {
    return copyFields<EndFields>(result, END_KEYS);
  }
}

function mapRequest(
  request: RequestFields,
  agentops: boolean,
  defaultFramework: string | undefined,
  streamed: boolean,
  sink: AttributeSink,
): void {
  const { provider, operation, framework, stream, serverAddress, serverPort, params } = request;
  const providerName = readString(provider);
  const operationName = readString(operation) ?? 'chat';
  if (agentops) {
    if (providerName) sink.set(ATTR.SYSTEM, shortProviderName(providerName));
    sink.set(ATTR.REQUEST_TYPE, Object.hasOwn(REQUEST_TYPES, operationName) ? REQUEST_TYPES[operationName] : 'unknown');
  }
  sink.set(ATTR.FRAMEWORK, readString(framework) ?? defaultFramework);
  // Chunks prove a stream even when the framework did not say so.
  const streaming = streamed || readBoolean(stream);
  if (streaming !== undefined) {
    sink.set(ATTR.REQUEST_STREAM, streaming);
    if (agentops) sink.set(ATTR.REQUEST_STREAMING, streaming);
  }
  sink.set(ATTR.SERVER_ADDRESS, readString(serverAddress));
  sink.set(ATTR.SERVER_PORT, readCount(serverPort));
  if (params === undefined) return;
  // Reads first, then writes: a read that throws leaves nothing half written for the field-by-field retry.
  try {
    writeParams(params, sink);
  } catch {
    writeParams(copyFields<RequestParams>(params, PARAM_KEYS), sink);
  }
}

function writeParams(params: RequestParams, sink: AttributeSink): void {
  const {
    temperature,
    maxTokens,
    topP,
    topK,
    frequencyPenalty,
    presencePenalty,
    stopSequences,
    seed,
    choiceCount,
    responseFormat,
    toolChoice,
  } = params;
  sink.set(ATTR.REQUEST_TEMPERATURE, readNumber(temperature));
  sink.set(ATTR.REQUEST_MAX_TOKENS, readCount(maxTokens));
  sink.set(ATTR.REQUEST_TOP_P, readNumber(topP));
  sink.set(ATTR.REQUEST_TOP_K, readNumber(topK));
  sink.set(ATTR.REQUEST_FREQUENCY_PENALTY, readNumber(frequencyPenalty));
  sink.set(ATTR.REQUEST_PRESENCE_PENALTY, readNumber(presencePenalty));
  sink.set(ATTR.REQUEST_STOP_SEQUENCES, readStringArray(stopSequences));
  sink.set(ATTR.REQUEST_SEED, readNumber(seed));
  const choices = readCount(choiceCount);
  if (choices !== undefined && choices !== 1) sink.set(ATTR.REQUEST_CHOICE_COUNT, choices);
  sink.set(ATTR.OUTPUT_TYPE, readString(responseFormat));
  sink.set(ATTR.TOOL_CHOICE, readString(toolChoice));
}

function mapResponse(ended: EndFields, result: Partial<CallEndEvent>, agentops: boolean, sink: AttributeSink): void {
  sink.set(ATTR.RESPONSE_ID, readString(ended.responseId));
  sink.set(ATTR.RESPONSE_MODEL, readString(ended.responseModel));
  const created = toEpochMillis(ended.responseCreated);
  if (created !== undefined) sink.set(ATTR.RESPONSE_CREATED_AT, isoTimestamp(created));
  let reasons = readStringArray(ended.finishReasons);
  if (!reasons) {
    const fromOutputs: string[] = [];
    for (const output of readArray(field(result, 'outputs')) ?? []) {
      const reason = readString(field(output, 'finishReason'));
      if (reason) fromOutputs.push(reason);
    }
    if (fromOutputs.length > 0) reasons = fromOutputs;
  }
  if (reasons) {
    sink.set(ATTR.RESPONSE_FINISH_REASONS, reasons.map(normalizeFinishReason));
    if (agentops) sink.set(ATTR.RESPONSE_FINISH_REASON, reasons[0]);
  }
  sink.set(ATTR.WARNINGS, readStringArray(ended.warnings));
}

function mapUsage(ended: EndFields, agentops: boolean, sink: AttributeSink): void {
  const cost = readNumber(ended.cost);
  if (cost !== undefined && cost >= 0) sink.set(ATTR.USAGE_TOTAL_COST, cost);
  const usage = ended.usage;
  if (usage === undefined) return;
  try {
    writeUsage(usage, agentops, sink);
  } catch {
    writeUsage(copyFields<Usage>(usage, USAGE_KEYS), agentops, sink);
  }
}

function writeUsage(usage: Usage, agentops: boolean, sink: AttributeSink): void {
  const {
    inputTokens,
    outputTokens,
    totalTokens,
    cacheReadInputTokens,
    cacheCreationInputTokens,
    reasoningTokens,
    estimated,
  } = usage;
  const input = readCount(inputTokens);
  const output = readCount(outputTokens);
  const total =
    readCount(totalTokens) ?? (input !== undefined || output !== undefined ? (input ?? 0) + (output ?? 0) : undefined);
  const cacheRead = readCount(cacheReadInputTokens);
  const cacheCreation = readCount(cacheCreationInputTokens);
  const reasoning = readCount(reasoningTokens);
  sink.set(ATTR.USAGE_INPUT_TOKENS, input);
  sink.set(ATTR.USAGE_OUTPUT_TOKENS, output);
  sink.set(ATTR.USAGE_CACHE_READ_INPUT_TOKENS, cacheRead);
  sink.set(ATTR.USAGE_CACHE_CREATION_INPUT_TOKENS, cacheCreation);
  sink.set(ATTR.USAGE_REASONING_OUTPUT_TOKENS, reasoning);
  if (estimated === true) sink.set(ATTR.USAGE_ESTIMATED, true);
  if (!agentops) return;
  sink.set(ATTR.USAGE_PROMPT_TOKENS, input);
  sink.set(ATTR.USAGE_COMPLETION_TOKENS, output);
  sink.set(ATTR.USAGE_TOTAL_TOKENS, total);
  sink.set(ATTR.USAGE_CACHE_READ_TOKENS, cacheRead);
  sink.set(ATTR.USAGE_CACHE_CREATION_TOKENS, cacheCreation);
  sink.set(ATTR.USAGE_REASONING_TOKENS, reasoning);
}

function mapTiming(record: LlmCallRecord, firstChunkTime: unknown, agentops: boolean, sink: AttributeSink): void {
  const { timing, startMs } = record;
  const reported = toEpochMillis(firstChunkTime);
  const firstChunkMs = timing.firstChunkMs ?? reported;
  if (firstChunkMs === undefined) return;
  const timeToFirstChunk = Math.max(0, firstChunkMs - startMs) / 1000;
  sink.set(ATTR.RESPONSE_TIME_TO_FIRST_CHUNK, timeToFirstChunk);
  if (!agentops) return;
  sink.set(ATTR.STREAMING_TIME_TO_FIRST_TOKEN, timeToFirstChunk);
  if (timing.chunkCount > 0) {
    sink.set(ATTR.STREAMING_CHUNK_COUNT, timing.chunkCount);
    sink.set(ATTR.STREAMING_MAX_CHUNK_GAP, timing.maxGapMs / 1000);
    if (timing.lastChunkMs !== undefined)
      sink.set(ATTR.STREAMING_TIME_TO_GENERATE, (timing.lastChunkMs - firstChunkMs) / 1000);
  }
}

function mapToolDefinitions(
  start: CallStartEvent,
  capture: ContentCapture,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  const tools = readArray(field(start, 'tools'));
  if (!tools || tools.length === 0) return;
  const context: RedactionContext = { attribute: ATTR.TOOL_DEFINITIONS, spanKind: 'llm' };
  const genai: string[] = [];
  let index = 0;
  for (const tool of tools) {
    const name = readString(field(tool, 'name'));
    if (!name) continue;
    const description = readString(field(tool, 'description'));
    const parameters = field(tool, 'parameters');
    const type = readString(field(tool, 'type')) ?? 'function';
    // Content, serialized once for both conventions; schemas repeat call after call (see toSafeJsonRepeated).
    const safeDescription =
      capture === 'all' && description ? toSafeText(description, config.redactor, context) : undefined;
    const safeParameters =
      capture === 'all' && parameters !== undefined
        ? toSafeJsonRepeated(parameters, config.redactor, context)
        : undefined;
    if (config.agentopsKeys) {
      const keys = indexedKeys(FUNCTIONS, index);
      sink.set(keys.key('name'), name);
      if (safeDescription !== undefined) sink.set(keys.key('description'), safeDescription);
      if (safeParameters !== undefined) sink.set(keys.key('parameters'), safeParameters);
    }
    if (config.genaiLatest) {
      let json = `{"type":${JSON.stringify(type)},"name":${JSON.stringify(name)}`;
      if (safeDescription !== undefined) json += `,"description":${JSON.stringify(safeDescription)}`;
      if (safeParameters !== undefined) json += `,"parameters":${safeParameters}`;
      genai.push(`${json}}`);
    }
    index++;
  }
  if (genai.length > 0) sink.set(ATTR.TOOL_DEFINITIONS, `[${genai.join(',')}]`);
}

/** A value as text for an AgentOps content key: strings as they are, anything else as JSON. */
function contentText(value: unknown, config: ResolvedConfig, context: RedactionContext): string {
  return typeof value === 'string'
    ? toSafeText(value, config.redactor, context)
    : toSafeJson(value, config.redactor, context);
}

function mapIndexedMessages(
  prefix: string,
  messages: readonly NormalizedMessage[],
  capture: ContentCapture,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  for (let i = 0; i < messages.length; i++)
    mapIndexedMessage(prefix, i, messages[i] as NormalizedMessage, capture, config, sink);
}

function mapIndexedMessage(
  prefix: string,
  i: number,
  message: NormalizedMessage,
  capture: ContentCapture,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  const keys = indexedKeys(prefix, i);
  const contentKey = keys.key('content');
  const context: RedactionContext = { attribute: contentKey, spanKind: 'llm' };
  sink.set(keys.key('role'), message.role);
  if (message.name) sink.set(keys.key('name'), message.name);
  if (message.finishReason) sink.set(keys.key('finish_reason'), message.finishReason);
  const text = messageContent(message.parts);
  if (text !== undefined) {
    if (capture === 'all') sink.set(contentKey, contentText(text, config, context));
    else sink.set(keys.key('content_length'), typeof text === 'string' ? text.length : 0);
  }
  const reasoning = joinedText(message.parts, 'reasoning');
  if (reasoning !== undefined && capture === 'all')
    sink.set(keys.key('reasoning'), toSafeText(reasoning, config.redactor, context));
  let call = 0;
  for (const part of message.parts) {
    if (part.type === 'tool_call_response' && part.id) sink.set(keys.key('tool_call_id'), part.id);
    if (part.type !== 'tool_call') continue;
    const callKeys = keys.toolCall(call);
    sink.set(callKeys.key('id'), part.id);
    sink.set(callKeys.key('name'), part.name);
    if (capture === 'all' && part.arguments !== undefined) {
      const argumentsKey = callKeys.key('arguments');
      sink.set(argumentsKey, contentText(part.arguments, config, { attribute: argumentsKey, spanKind: 'llm' }));
    }
    call++;
  }
}

/**
 * What an AgentOps `content` key shows: the text when a message is text only; a tool result's response;
 * otherwise the parts themselves (images, files), serialized.
 */
function messageContent(parts: readonly MessagePart[]): unknown {
  const text = joinedText(parts);
  const others = parts.filter((part) => part.type !== 'text' && part.type !== 'tool_call' && part.type !== 'reasoning');
  if (others.length === 0) return text;
  if (text === undefined && others.length === 1 && others[0]?.type === 'tool_call_response') return others[0].response;
  return parts.filter((part) => part.type !== 'tool_call' && part.type !== 'reasoning');
}

function mapGenaiMessages(
  input: readonly NormalizedMessage[],
  output: readonly NormalizedMessage[],
  finishReasons: string[] | undefined,
  config: ResolvedConfig,
  sink: AttributeSink,
): void {
  let firstNonSystem = 0;
  while (firstNonSystem < input.length && input[firstNonSystem]?.role === 'system') firstNonSystem++;
  if (firstNonSystem > 0) {
    const parts = input.slice(0, firstNonSystem).flatMap((message) => message.parts);
    sink.set(
      ATTR.SYSTEM_INSTRUCTIONS,
      `[${parts.map((part) => genaiPart(part, config, ATTR.SYSTEM_INSTRUCTIONS)).join(',')}]`,
    );
  }
  const rest = input.slice(firstNonSystem);
  if (rest.length > 0)
    sink.set(
      ATTR.INPUT_MESSAGES,
      `[${rest.map((message) => genaiMessage(message, config, ATTR.INPUT_MESSAGES)).join(',')}]`,
    );
  if (output.length > 0) {
    const messages = output.map((message, i) => {
      const reason = message.finishReason ?? finishReasons?.[i] ?? finishReasons?.[0];
      return genaiMessage(message, config, ATTR.OUTPUT_MESSAGES, reason ? normalizeFinishReason(reason) : 'unknown');
    });
    sink.set(ATTR.OUTPUT_MESSAGES, `[${messages.join(',')}]`);
  }
}

function genaiMessage(
  message: NormalizedMessage,
  config: ResolvedConfig,
  attribute: string,
  finishReason?: string,
): string {
  let json = `{"role":${JSON.stringify(message.role)},"parts":[${message.parts.map((part) => genaiPart(part, config, attribute)).join(',')}]`;
  if (message.name) json += `,"name":${JSON.stringify(message.name)}`;
  if (finishReason !== undefined) json += `,"finish_reason":${JSON.stringify(finishReason)}`;
  return `${json}}`;
}

// Built as text so that every content value is redacted and cut on its own and the whole stays valid JSON.
function genaiPart(part: MessagePart, config: ResolvedConfig, attribute: string): string {
  const context: RedactionContext = { attribute, spanKind: 'llm' };
  const text = (value: string) => JSON.stringify(toSafeText(value, config.redactor, context));
  const mime = 'mimeType' in part && part.mimeType ? `,"mime_type":${JSON.stringify(part.mimeType)}` : '';
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return `{"type":"${part.type}","content":${text(part.content)}}`;
    case 'tool_call': {
      const id = part.id ? `,"id":${JSON.stringify(part.id)}` : '';
      const args =
        part.arguments === undefined
          ? ''
          : `,"arguments":${toSafeJson(parseJsonText(part.arguments), config.redactor, context)}`;
      return `{"type":"tool_call"${id},"name":${JSON.stringify(part.name)}${args}}`;
    }
    case 'tool_call_response': {
      const id = part.id ? `,"id":${JSON.stringify(part.id)}` : '';
      return `{"type":"tool_call_response"${id},"response":${toSafeJson(part.response ?? null, config.redactor, context)}}`;
    }
    case 'blob':
      return `{"type":"blob","modality":${JSON.stringify(part.modality)}${mime},"content":${text(blobText(part.content, config.redactor.maxContentLength))}}`;
    case 'file':
      return `{"type":"file","modality":${JSON.stringify(part.modality)}${mime},"file_id":${JSON.stringify(part.fileId)}}`;
    case 'uri':
      return `{"type":"uri","modality":${JSON.stringify(part.modality)}${mime},"uri":${text(part.uri)}}`;
  }
}

/** Base64 of raw bytes, encoded only as far as the content limit lets it be exported. */
function blobText(content: string | Uint8Array, maxLength: number): string {
  if (typeof content === 'string') return content;
  const bytes = content.subarray(0, Math.ceil((maxLength * 3) / 4) + 3);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const encoded = btoa(binary);
  return bytes.length < content.length ? `${encoded}…[truncated ${content.length - bytes.length} bytes]` : encoded;
}

/** Tool arguments often arrive as JSON text; record them as the object they encode when they parse. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
