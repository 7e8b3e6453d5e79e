import type {
  CallMetadata,
  CallStartEvent,
  Message,
  MessagePart,
  RequestParams,
  ToolDefinition,
} from '@agentops/llm-callback-core';
import {
  copyFields,
  field,
  readArray,
  readNumber,
  readString,
  readStringArray,
  safeIndex,
} from '@agentops/llm-callback-core/adapter-kit';
import type { AttributeValue } from '@opentelemetry/api';
import { mapFileData, readRecord, readText } from './normalize.js';

/** The `providerOptions` namespace this middleware reads per-call metadata from (and removes before the provider). */
export const PROVIDER_OPTIONS_KEY = 'agentops';

/** What a call's options contribute to the core's start event. */
export interface MappedCallOptions {
  params: RequestParams;
  tools?: ToolDefinition[];
  messages?: Message[];
}

/**
 * Maps the AI SDK's call options (`LanguageModelV2/V3/V4CallOptions`, the same field names in every version) to the
 * core's request parameters, tool definitions and prompt messages. Unreadable values are dropped.
 */
export function mapCallOptions(options: unknown): MappedCallOptions {
  const mapped: MappedCallOptions = { params: mapParams(options) };
  assign(mapped, 'tools', mapTools(field(options, 'tools')));
  assign(mapped, 'messages', mapPrompt(promptOf(options)));
  return mapped;
}

/**
 * {@link mapCallOptions} onto a start event, with the prompt mapped only when the core asks for it (it does only
 * when it records content), and the tools only when content can be recorded (`withContent`).
 */
export function mapCallOptionsInto(event: CallStartEvent, options: unknown, withContent = true): void {
  event.params = mapParams(options);
  const tools = withContent ? mapTools(field(options, 'tools')) : undefined;
  if (tools !== undefined) event.tools = tools;
  const prompt = promptOf(options);
  event.buildMessages = () => mapPrompt(prompt);
}

/**
 * The call options' `prompt`. Reads of their own rather than `field`: `field` serves every key of every payload, so its
 * one property read goes megamorphic, where these see call options only.
 */
export function promptOf(options: unknown): unknown {
  try {
    return (options as { prompt?: unknown }).prompt;
  } catch {
    return undefined;
  }
}

/** The call options' `providerOptions` (see {@link promptOf}). */
function providerOptionsOf(options: unknown): unknown {
  try {
    return (options as { providerOptions?: unknown }).providerOptions;
  } catch {
    return undefined;
  }
}

const PARAM_OPTION_KEYS = [
  'temperature',
  'maxOutputTokens',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'stopSequences',
  'responseFormat',
  'toolChoice',
];

/** Reads every option first, then builds (see `copyFields`: direct reads, field by field only if one throws). */
function mapParams(options: unknown): RequestParams {
  try {
    return paramsOf(options as CallOptionFields);
  } catch {
    return paramsOf(copyFields<CallOptionFields>(options, PARAM_OPTION_KEYS));
  }
}

type CallOptionFields = Record<string, unknown>;

function paramsOf(options: CallOptionFields): RequestParams {
  // Absent values stay `undefined` (the core reads them as not set): one object literal, no per-key stores.
  const { responseFormat, toolChoice } = options;
  return {
    temperature: readNumber(options.temperature),
    maxTokens: readNumber(options.maxOutputTokens),
    topP: readNumber(options.topP),
    topK: readNumber(options.topK),
    presencePenalty: readNumber(options.presencePenalty),
    frequencyPenalty: readNumber(options.frequencyPenalty),
    seed: readNumber(options.seed),
    stopSequences: readStringArray(options.stopSequences),
    responseFormat: responseFormat === undefined ? undefined : readString(field(responseFormat, 'type')),
    toolChoice: toolChoice === undefined ? undefined : mapToolChoice(toolChoice),
  };
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** `{type: 'auto' | 'none' | 'required'}` → the type; `{type: 'tool', toolName}` → the tool's name. */
function mapToolChoice(choice: unknown): string | undefined {
  const type = readString(field(choice, 'type'));
  return type === 'tool' ? (readString(field(choice, 'toolName')) ?? type) : type;
}

/** Function tools keep their JSON schema; provider tools (`provider` in V3/V4, `provider-defined` in V2) their id. */
export function mapTools(value: unknown): ToolDefinition[] | undefined {
  const list = readArray(value);
  if (!list || list.length === 0) return undefined;
  const tools: ToolDefinition[] = [];
  for (let i = 0; i < list.length; i++) {
    const tool = safeIndex(list, i);
    const name = readString(field(tool, 'name'));
    if (name === undefined) continue;
    const type = readString(field(tool, 'type'));
    if (type === 'function' || type === undefined) {
      const definition: ToolDefinition = { name, type: 'function' };
      assign(definition, 'description', readString(field(tool, 'description')));
      assign(definition, 'parameters', field(tool, 'inputSchema'));
      tools.push(definition);
    } else {
      const definition: ToolDefinition = { name, type: readString(field(tool, 'id')) ?? type };
      assign(definition, 'parameters', field(tool, 'args'));
      tools.push(definition);
    }
  }
  return tools.length > 0 ? tools : undefined;
}

/**
 * The prompt (`system` / `user` / `assistant` / `tool` messages) with typed parts: a provider prompt
 * (`LanguageModelV2/V3/V4Prompt`), or the SDK's `ModelMessage`s, which have the same shape plus string content and
 * image parts.
 */
export function mapPrompt(value: unknown): Message[] | undefined {
  const list = readArray(value);
  if (!list) return undefined;
  const messages: Message[] = [];
  for (let i = 0; i < list.length; i++) {
    const message = safeIndex(list, i);
    const role = readString(field(message, 'role'));
    if (role === undefined) continue;
    const content = field(message, 'content');
    const text = readText(content);
    messages.push({ role, parts: text === undefined ? mapParts(content) : [{ type: 'text', content: text }] });
  }
  return messages;
}

function mapParts(value: unknown): MessagePart[] {
  const list = readArray(value);
  if (!list) return [];
  const parts: MessagePart[] = [];
  for (let i = 0; i < list.length; i++) {
    const part = mapPromptPart(safeIndex(list, i));
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

function mapPromptPart(part: unknown): MessagePart | undefined {
  switch (field(part, 'type')) {
    case 'text':
    case 'reasoning': {
      const text = readText(field(part, 'text'));
      return text === undefined ? undefined : { type: field(part, 'type') as 'text' | 'reasoning', content: text };
    }
    case 'file':
    case 'reasoning-file':
      return mapFileData(field(part, 'data'), readString(field(part, 'mediaType')));
    case 'image':
      // The SDK's own `ModelMessage`s (what AgentOpsTelemetry sees) keep images apart from files.
      return mapFileData(field(part, 'image'), readString(field(part, 'mediaType')) ?? 'image');
    case 'tool-call':
      return mapToolCallPart(part);
    case 'tool-result': {
      const id = readString(field(part, 'toolCallId'));
      // V2+ prompt tool results carry `output`; provider-executed results in assistant content may carry `result`.
      const output = field(part, 'output');
      return {
        type: 'tool_call_response',
        response: output === undefined ? field(part, 'result') : mapToolOutput(output),
        ...(id !== undefined && { id }),
      };
    }
    default:
      // tool-approval-response, custom and future part types carry nothing the core records.
      return undefined;
  }
}

/**
 * A tool result's `output` (`text`, `json`, `error-text`, `error-json`, `execution-denied`, `content`) as the value the
 * tool returned. Binary items in `content` become `{type, mediaType}` so no file bytes reach a span.
 */
export function mapToolOutput(output: unknown): unknown {
  const type = readString(field(output, 'type'));
  switch (type) {
    case 'text':
    case 'json':
    case 'error-text':
    case 'error-json':
      return field(output, 'value');
    case 'execution-denied': {
      const reason = readString(field(output, 'reason'));
      return { type, ...(reason !== undefined && { reason }) };
    }
    case 'content': {
      const list = readArray(field(output, 'value'));
      if (!list) return undefined;
      const items: unknown[] = [];
      for (let i = 0; i < list.length; i++) {
        const item = safeIndex(list, i);
        const itemType = readString(field(item, 'type'));
        if (itemType === undefined) continue;
        const text = readText(field(item, 'text'));
        const mediaType = readString(field(item, 'mediaType'));
        items.push(
          itemType === 'text' && text !== undefined
            ? { type: 'text', text }
            : { type: itemType, ...(mediaType !== undefined && { mediaType }) },
        );
      }
      return items;
    }
    default:
      return output;
  }
}

/**
 * Per-call metadata, passed as `providerOptions.agentops`. Every field is optional and must be JSON (the AI SDK types
 * provider options as JSON objects).
 *
 * @example
 * ```ts
 * await generateText({
 *   model,
 *   prompt: 'Hi',
 *   providerOptions: { agentops: { sessionId: 'chat-42', userId: 'user-7', tags: ['beta'] } },
 * });
 * ```
 */
export interface AgentOpsCallOptions {
  /** AgentOps session id for this call. */
  sessionId?: string;
  /** Conversation or thread id (`gen_ai.conversation.id`). */
  conversationId?: string;
  /** End user id (`user.id`). */
  userId?: string;
  /** Tags added to the middleware's own `metadata.tags`. */
  tags?: string[];
  /** Extra span attributes: strings, numbers, booleans or arrays of one of them. */
  attributes?: Record<string, string | number | boolean | string[] | number[] | boolean[]>;
  /** `false` records no message text, tool arguments or results for this call. */
  captureContent?: boolean;
}

/** Per-call metadata read from `providerOptions.agentops`, and the call options without that namespace. */
export interface ExtractedCallOptions<P> {
  /** The call options to hand on: the same object when there was no `agentops` namespace. */
  params: P;
  metadata?: CallMetadata;
  captureContent?: boolean;
}

/**
 * Reads and removes `providerOptions.agentops`. Providers only read their own namespace, but gateways and
 * OpenAI-compatible providers may forward or validate unknown ones, so it never leaves the middleware.
 * Never mutates the caller's objects.
 */
export function extractCallOptions<P>(params: P): ExtractedCallOptions<P> {
  const providerOptions = readRecord(providerOptionsOf(params));
  if (providerOptions === undefined || !(PROVIDER_OPTIONS_KEY in providerOptions)) return { params };
  const { [PROVIDER_OPTIONS_KEY]: ours, ...rest } = providerOptions;
  const stripped = { ...params, providerOptions: Object.keys(rest).length > 0 ? rest : undefined };
  const extracted: ExtractedCallOptions<P> = { params: stripped };
  assign(extracted, 'metadata', readCallMetadata(ours));
  const capture = field(ours, 'captureContent');
  if (typeof capture === 'boolean') extracted.captureContent = capture;
  return extracted;
}

/** Reads the metadata fields of `providerOptions.agentops`; wrong types are dropped. */
export function readCallMetadata(value: unknown): CallMetadata | undefined {
  const metadata: CallMetadata = {};
  assign(metadata, 'sessionId', readString(field(value, 'sessionId')));
  assign(metadata, 'conversationId', readString(field(value, 'conversationId')));
  assign(metadata, 'userId', readString(field(value, 'userId')));
  assign(metadata, 'tags', readStringArray(field(value, 'tags')));
  const attributes = readRecord(field(value, 'attributes'));
  if (attributes !== undefined) {
    const kept: Record<string, AttributeValue> = {};
    try {
      for (const [key, attribute] of Object.entries(attributes)) {
        if (isAttributeValue(attribute)) kept[key] = attribute;
      }
    } catch {
      // An object whose keys cannot be listed contributes no attributes.
    }
    if (Object.keys(kept).length > 0) metadata.attributes = kept;
  }
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** A value OpenTelemetry takes as an attribute: a string, finite number, boolean, or an array of one of them. */
export function isAttributeValue(value: unknown): value is AttributeValue {
  const type = typeof value;
  if (type === 'string' || type === 'boolean') return true;
  if (type === 'number') return Number.isFinite(value);
  const list = readArray(value);
  if (!list || list.length === 0) return false;
  const first = typeof list[0];
  return (first === 'string' || first === 'number' || first === 'boolean') && list.every((v) => typeof v === first);
}

/** Middleware-wide metadata merged with a call's: the call's scalars win, tags and attributes add up. */
export function mergeMetadata(base?: CallMetadata, call?: CallMetadata): CallMetadata | undefined {
  if (!base) return call;
  if (!call) return base;
  const merged: CallMetadata = { ...base, ...call };
  if (base.tags && call.tags) merged.tags = [...new Set([...base.tags, ...call.tags])];
  if (base.attributes && call.attributes) merged.attributes = { ...base.attributes, ...call.attributes };
  return merged;
}

/** A `tool-call` part of a prompt or of a result, as the core's tool call. */
export function mapToolCallPart(part: unknown): MessagePart {
  const id = readString(field(part, 'toolCallId'));
  return {
    type: 'tool_call',
    name: readString(field(part, 'toolName')) ?? 'unknown',
    arguments: field(part, 'input'),
    ...(id !== undefined && { id }),
  };
}
