import type { Message, MessagePart, ToolCallPart } from '@agentops/llm-callback-core';
import { copyFields, field, readString } from '@agentops/llm-callback-core/adapter-kit';
import { firstOf, isRecord, list, lookup, path, safely } from './read.js';

/** LangChain message type (`getType()`) → chat role. `generic` messages carry their own role. */
const ROLE_BY_TYPE: Record<string, string> = {
  human: 'user',
  user: 'user',
  ai: 'assistant',
  assistant: 'assistant',
  system: 'system',
  developer: 'developer',
  tool: 'tool',
  function: 'tool',
};

/** Serialized message class (`id.at(-1)`, without `Chunk`) → LangChain message type. */
const TYPE_BY_CLASS: Record<string, string> = {
  HumanMessage: 'human',
  AIMessage: 'ai',
  SystemMessage: 'system',
  ToolMessage: 'tool',
  FunctionMessage: 'function',
  ChatMessage: 'generic',
};

/** A message's type and the object holding its fields: read once, it serves every field a mapping needs. */
export interface MessageView {
  type: string | undefined;
  data: unknown;
}

/** What {@link viewOf} reads of a message, read directly and all at once (see `copyFields` in the adapter kit). */
interface MessageFields {
  lc?: unknown;
  type?: unknown;
  id?: unknown;
  kwargs?: unknown;
  getType?: unknown;
  _getType?: unknown;
  role?: unknown;
}

const MESSAGE_KEYS = ['lc', 'type', 'id', 'kwargs', 'getType', '_getType', 'role'];

function messageFields(message: unknown): MessageFields {
  if (message === null || (typeof message !== 'object' && typeof message !== 'function')) return {};
  try {
    const { lc, type, id, kwargs, getType, _getType, role } = message as MessageFields;
    return { lc, type, id, kwargs, getType, _getType, role };
  } catch {
    return copyFields<MessageFields>(message, MESSAGE_KEYS);
  }
}

/** The type a message's `getType()` reports; a method that throws reports nothing. */
function reportedType(message: unknown, method: unknown): string | undefined {
  if (typeof method !== 'function') return undefined;
  try {
    return readString(method.call(message));
  } catch {
    return undefined;
  }
}

/**
 * The message's type and the object holding its fields. Messages are duck-typed, never `instanceof`: the app may load
 * another copy of `@langchain/core`, and serialized messages (`{lc: 1, type: 'constructor', id, kwargs}`) also occur.
 */
export function viewOf(message: unknown): MessageView {
  const fields = messageFields(message);
  if (fields.lc === 1 && fields.type === 'constructor') {
    const className = readString(list(fields.id).at(-1))?.replace(/Chunk$/, '');
    return { type: className ? lookup(TYPE_BY_CLASS, className) : undefined, data: fields.kwargs };
  }
  const type = reportedType(message, fields.getType) ?? reportedType(message, fields._getType);
  if (type) return { type, data: message };
  return { type: readString(fields.type) ?? readString(fields.role), data: message };
}

/** The object holding a message's fields (`kwargs` for a serialized message, else the message itself). */
export function messageData(message: unknown): unknown {
  return viewOf(message).data;
}

/** The chat role of a message already viewed (see {@link messageRole}). */
export function roleOf({ type, data }: MessageView): string | undefined {
  if (type === 'generic' || type === 'chat') return readString(field(data, 'role'));
  return type ? (lookup(ROLE_BY_TYPE, type) ?? type) : undefined;
}

/** The chat role of a LangChain message (`human` → `user`, `ai` → `assistant`, ...), or `undefined`. */
export function messageRole(message: unknown): string | undefined {
  return roleOf(viewOf(message));
}

/** Splits a `data:` URL into MIME type and base64 payload. */
function parseDataUrl(url: string): { mimeType?: string; content: string } | undefined {
  const match = /^data:([^;,]*)(?:;[^,]*)?,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mimeType: match[1] || undefined, content: match[2] ?? '' };
}

function modalityOf(type: string, mimeType: string | undefined): string {
  if (type === 'image' || type === 'audio' || type === 'video') return type;
  const prefix = mimeType?.split('/')[0];
  return prefix === 'image' || prefix === 'audio' || prefix === 'video' ? prefix : 'document';
}

/** A URL that may be a data URL, as a `uri` or `blob` part. */
function urlPart(url: string, modality: string, mimeType?: string): MessagePart {
  const data = url.startsWith('data:') ? parseDataUrl(url) : undefined;
  if (data) {
    return { type: 'blob', modality, mimeType: data.mimeType ?? mimeType, content: data.content };
  }
  return { type: 'uri', modality, mimeType, uri: url };
}

/** Multimodal blocks in the OpenAI, Anthropic, v0 data-block and v1 standard-block shapes. */
function mediaPart(type: string, block: unknown): MessagePart | undefined {
  const source = field(block, 'source');
  const mimeType = firstOf(block, readString, ['mimeType', 'mime_type']) ?? readString(field(source, 'media_type'));
  const modality = modalityOf(type, mimeType);
  const url = readString(field(block, 'url')) ?? readString(field(source, 'url'));
  if (url) return urlPart(url, modality, mimeType);
  const data = readString(field(block, 'data')) ?? readString(field(source, 'data'));
  if (data) return { type: 'blob', modality, mimeType, content: data };
  const fileId =
    firstOf(block, readString, ['fileId', 'file_id']) ??
    (field(block, 'source_type') === 'id' ? readString(field(block, 'id')) : undefined);
  return fileId ? { type: 'file', modality, mimeType, fileId } : undefined;
}

function reasoningText(block: unknown): string | undefined {
  const direct = firstOf(block, readString, ['reasoning', 'thinking']);
  if (direct) return direct;
  // OpenAI Responses reasoning items carry a list of summary texts.
  const summary = list(field(block, 'summary'))
    .map((item) => readString(field(item, 'text')))
    .filter((text): text is string => text !== undefined);
  return summary.length > 0 ? summary.join('\n') : undefined;
}

/** One content block → one part; `undefined` for blocks that duplicate other fields or cannot be read. */
export function mapContentBlock(block: unknown): MessagePart | undefined {
  if (typeof block === 'string') return block ? { type: 'text', content: block } : undefined;
  const type = readString(field(block, 'type'));
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const text = readString(field(block, 'text'));
      return text ? { type: 'text', content: text } : undefined;
    }
    case 'image_url': {
      const imageUrl = field(block, 'image_url');
      const url = readString(imageUrl) ?? readString(field(imageUrl, 'url'));
      return url ? urlPart(url, 'image') : undefined;
    }
    case 'input_audio': {
      const data = readString(path(block, 'input_audio', 'data'));
      const format = readString(path(block, 'input_audio', 'format'));
      return data
        ? { type: 'blob', modality: 'audio', mimeType: format && `audio/${format}`, content: data }
        : undefined;
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return mediaPart(type, block);
    case 'reasoning':
    case 'thinking': {
      const content = reasoningText(block);
      return content ? { type: 'reasoning', content } : undefined;
    }
    case 'tool_result':
      return {
        type: 'tool_call_response',
        id: readString(field(block, 'tool_use_id')),
        response: field(block, 'content'),
      };
    // Tool calls are read from `tool_calls`, which every provider fills; these blocks would duplicate them.
    case 'tool_use':
    case 'tool_call':
    case 'tool_call_chunk':
    case 'input_json_delta':
    case 'function_call':
      return undefined;
    default: {
      const text = readString(field(block, 'text'));
      return text ? { type: 'text', content: text } : undefined;
    }
  }
}

/** A string or a list of content blocks → parts. */
export function mapContent(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
  const parts: MessagePart[] = [];
  for (const block of list(content)) {
    const part = safely(() => mapContentBlock(block));
    if (part) parts.push(part);
  }
  return parts;
}

function toolCallFrom(call: unknown): ToolCallPart | undefined {
  const name = readString(field(call, 'name'));
  if (!name) return undefined;
  return { type: 'tool_call', id: readString(field(call, 'id')), name, arguments: field(call, 'args') };
}

/** OpenAI's raw `additional_kwargs.tool_calls` (`{id, function: {name, arguments}}`). */
function rawToolCallFrom(call: unknown): ToolCallPart | undefined {
  const name = readString(path(call, 'function', 'name'));
  if (!name) return undefined;
  return { type: 'tool_call', id: readString(field(call, 'id')), name, arguments: path(call, 'function', 'arguments') };
}

/** Tool calls of an AI message: parsed ones, then the raw provider ones, plus calls whose arguments did not parse. */
export function mapToolCalls(message: unknown): ToolCallPart[] {
  return toolCallsOf(viewOf(message).data);
}

function toolCallsOf(data: unknown): ToolCallPart[] {
  const parsed = list(field(data, 'tool_calls'));
  const raw = parsed.length === 0 ? list(path(data, 'additional_kwargs', 'tool_calls')) : [];
  const invalid = list(field(data, 'invalid_tool_calls'));
  // Most messages have no tool calls: nothing to map or copy.
  if (parsed.length === 0 && raw.length === 0 && invalid.length === 0) return [];
  const calls = parsed.length > 0 ? parsed.map(toolCallFrom) : raw.map(rawToolCallFrom);
  return [...calls, ...invalid.map(toolCallFrom)].filter((call): call is ToolCallPart => call !== undefined);
}

/** The text of a tool result: its text blocks joined, or the raw content when it has other blocks. */
function toolResponse(content: unknown): unknown {
  if (typeof content === 'string') return content;
  const parts = mapContent(content);
  if (parts.length > 0 && parts.every((part) => part.type === 'text')) {
    return parts.map((part) => (part.type === 'text' ? part.content : '')).join('');
  }
  return content;
}

/** One LangChain message (`BaseMessage`, a serialized one, or a `{role, content}` object) → a core message. */
export function mapMessage(message: unknown): Message | undefined {
  return mapMessageView(viewOf(message));
}

/** {@link mapMessage} of a message already viewed. */
export function mapMessageView(view: MessageView): Message | undefined {
  const role = roleOf(view);
  if (!role) return undefined;
  const data = view.data;
  const content = field(data, 'content');
  const parts: MessagePart[] = [];
  if (role === 'tool') {
    const id = readString(field(data, 'tool_call_id')) ?? readString(field(data, 'name'));
    parts.push({ type: 'tool_call_response', id, response: toolResponse(content) });
  } else {
    // DeepSeek and other OpenAI-compatible providers put reasoning beside the content.
    const reasoning = readString(path(data, 'additional_kwargs', 'reasoning_content'));
    if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
    parts.push(...mapContent(content));
    if (role === 'assistant') parts.push(...toolCallsOf(data));
  }
  const name = readString(field(data, 'name'));
  return name && role !== 'tool' ? { role, parts, name } : { role, parts };
}

/** The messages of one chat-model call (`handleChatModelStart`'s `messages[0]`). */
export function mapMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const message of list(messages)) {
    const mapped = safely(() => mapMessage(message));
    if (mapped) out.push(mapped);
  }
  return out;
}

/** The prompts of a text-completion call, each as a user message. */
export function mapPrompts(prompts: unknown): Message[] {
  return list(prompts)
    .filter((prompt): prompt is string => typeof prompt === 'string')
    .map((prompt) => ({ role: 'user', parts: prompt ? [{ type: 'text', content: prompt }] : [] }));
}

/**
 * A ToolMessage's result, as tool spans record it: its content (text blocks joined) and whether the tool reported an
 * error (`status: 'error'`). `undefined` when the value is not a tool message.
 */
export function readToolMessage(value: unknown): { result: unknown; isError: boolean } | undefined {
  if (!isRecord(value)) return undefined;
  const view = viewOf(value);
  if (roleOf(view) !== 'tool') return undefined;
  const data = view.data;
  return { result: toolResponse(field(data, 'content')), isError: field(data, 'status') === 'error' };
}
