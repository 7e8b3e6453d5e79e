/**
 * OpenAI-format messages, content parts and tools → the core's `Message[]`, `OutputMessage` and `ToolDefinition[]`.
 * Covers the three shapes that OpenAI-compatible frameworks log: OpenAI chat (`role`, `content`, `tool_calls`),
 * Anthropic content blocks (`tool_use`, `tool_result`, `thinking`, base64 `source`) and Responses-API items
 * (`function_call`, `function_call_output`, `reasoning`, `input_text`, ...).
 *
 * Every function is pure and defensive: a wrong type, a throwing getter or a Proxy reads as "nothing here", never as
 * an exception, and what cannot be read is skipped rather than guessed.
 */
import { copyFields, field, readArray, readString, safeIndex } from './internal/read.js';
import type { Message, MessagePart, OutputMessage, ToolDefinition } from './types.js';

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The items of an array (through the defensive readers), or an empty list. */
function itemsOf(value: unknown): unknown[] {
  const array = readArray(value);
  if (!array) return [];
  const items: unknown[] = [];
  for (let index = 0; index < array.length; index++) items.push(safeIndex(array, index));
  return items;
}

function guarded<T>(fallback: T, map: () => T): T {
  try {
    return map();
  } catch {
    return fallback;
  }
}

/**
 * Request messages: an array of OpenAI chat messages (or Anthropic messages, or Responses-API input items), one
 * message object, or a prompt string (one user message). Unreadable entries are skipped; `undefined` when nothing is
 * left.
 *
 * @example
 * ```ts
 * fromOpenAIChatMessages([{ role: 'user', content: 'Hi' }]);
 * // [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]
 * ```
 */
export function fromOpenAIChatMessages(value: unknown): Message[] | undefined {
  return guarded(undefined, () => {
    if (typeof value === 'string')
      return value ? [{ role: 'user', parts: [{ type: 'text', content: value }] }] : undefined;
    const list = readArray(value) ? itemsOf(value) : isObject(value) ? [value] : [];
    const messages: Message[] = [];
    for (const item of list) {
      const message = fromOpenAIMessage(item);
      if (message) messages.push(message);
    }
    return messages.length ? messages : undefined;
  });
}

/**
 * One message or Responses-API item. A bare string is a text message with `defaultRole`. Tool results
 * (`role: 'tool'`, `function`, `function_call_output`) become one `tool_call_response` part; `tool_calls` and the
 * legacy `function_call` become `tool_call` parts; `reasoning_content` a leading `reasoning` part.
 * `undefined` when the message holds nothing readable.
 */
export function fromOpenAIMessage(value: unknown, defaultRole = 'user'): Message | undefined {
  return guarded(undefined, () => {
    if (typeof value === 'string')
      return value ? { role: defaultRole, parts: [{ type: 'text', content: value }] } : undefined;
    if (!isObject(value)) return undefined;
    const {
      type,
      role: roleField,
      reasoning_content,
      content,
      tool_call_id,
      call_id,
      name: nameField,
      output,
      tool_calls,
      function_call,
    } = messageFields(value);
    const bare = type === 'function_call' || type === 'reasoning';
    const toolOutput = type === 'function_call_output';
    const role = readString(roleField) ?? (toolOutput ? 'tool' : bare ? 'assistant' : defaultRole);
    const parts: MessagePart[] = [];
    const reasoning = readString(reasoning_content);
    if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
    if (role === 'tool' || role === 'function' || toolOutput) {
      const callId = readString(tool_call_id) ?? readString(call_id);
      const id = callId ?? (role === 'function' ? readString(nameField) : undefined);
      parts.push({ type: 'tool_call_response', id, response: toolResponse(content ?? output) });
    } else if (bare || content === undefined) {
      // A bare Responses-API item is itself the part.
      const part = fromPart(value);
      if (part) parts.push(part);
    } else {
      parts.push(...fromOpenAIContent(content));
    }
    if (tool_calls !== undefined) {
      for (const call of itemsOf(tool_calls)) {
        const part = toolCall(call);
        if (part) parts.push(part);
      }
    }
    if (function_call !== undefined) {
      const legacy = toolCall({ function: function_call });
      if (legacy) parts.push(legacy);
    }
    if (!parts.length) return undefined;
    const name = readString(nameField);
    return name && role !== 'function' && !bare ? { role, parts, name } : { role, parts };
  });
}

/** What {@link fromOpenAIMessage} reads of a message or item. */
interface OpenAIMessageFields {
  type?: unknown;
  role?: unknown;
  reasoning_content?: unknown;
  content?: unknown;
  tool_call_id?: unknown;
  call_id?: unknown;
  name?: unknown;
  output?: unknown;
  tool_calls?: unknown;
  function_call?: unknown;
}

const MESSAGE_KEYS = [
  'type',
  'role',
  'reasoning_content',
  'content',
  'tool_call_id',
  'call_id',
  'name',
  'output',
  'tool_calls',
  'function_call',
];

/**
 * A message's fields, read directly and all at once, field by field only when a read throws (see `copyFields`):
 * every message of every recorded call comes through here.
 */
function messageFields(message: object): OpenAIMessageFields {
  try {
    const { type, role, reasoning_content, content, tool_call_id, call_id, name, output, tool_calls, function_call } =
      message as OpenAIMessageFields;
    return { type, role, reasoning_content, content, tool_call_id, call_id, name, output, tool_calls, function_call };
  } catch {
    return copyFields<OpenAIMessageFields>(message, MESSAGE_KEYS);
  }
}

/**
 * Message content: a string, or a list of content parts (`text`, `image_url`, `input_audio`, `file`, `refusal`,
 * Anthropic blocks, Responses-API `input_*` / `output_text` parts). Unknown part kinds with no text are skipped.
 */
export function fromOpenAIContent(content: unknown): MessagePart[] {
  return guarded([], () => {
    if (typeof content === 'string') return content ? [{ type: 'text', content }] : [];
    const parts: MessagePart[] = [];
    for (const item of itemsOf(content)) {
      const part =
        typeof item === 'string' ? (item ? ({ type: 'text', content: item } as const) : undefined) : fromPart(item);
      if (part) parts.push(part);
    }
    return parts;
  });
}

/**
 * Responses-API `output[]` or Anthropic `content[]`: all items become parts of one assistant message, with
 * `finishReason` when given. `undefined` when no item is readable.
 */
export function fromOpenAIResponseOutput(items: unknown, finishReason?: string): OutputMessage | undefined {
  return guarded(undefined, () => {
    const parts: MessagePart[] = [];
    for (const item of itemsOf(items)) {
      if (!isObject(item)) continue;
      const message = fromOpenAIMessage(item, 'assistant');
      if (message) parts.push(...message.parts);
    }
    if (!parts.length) return undefined;
    const reason = readString(finishReason);
    return reason ? { role: 'assistant', parts, finishReason: reason } : { role: 'assistant', parts };
  });
}

/**
 * Tool definitions: OpenAI `tools` (`{type: 'function', function: {...}}`), legacy `functions`, Responses-API
 * function tools, Anthropic tools (`input_schema`), and provider tools (named by their `type`, e.g.
 * `web_search_preview`). A schema that is not an object (a placeholder a serializer left) is dropped, the tool kept.
 */
export function fromOpenAITools(value: unknown): ToolDefinition[] | undefined {
  return guarded(undefined, () => {
    const tools: ToolDefinition[] = [];
    for (const item of itemsOf(value)) {
      if (!isObject(item)) continue;
      const itemFields = toolFields(item);
      const fn = itemFields.function;
      const definition = isObject(fn) ? toolFields(fn) : itemFields;
      const type = readString(itemFields.type) ?? 'function';
      const name = readString(definition.name) ?? (type === 'function' ? undefined : type);
      if (!name) continue;
      const schema = definition.parameters ?? definition.input_schema;
      const description = readString(definition.description);
      tools.push({
        name,
        type,
        ...(description !== undefined && { description }),
        ...(isObject(schema) && { parameters: schema }),
      });
    }
    return tools.length ? tools : undefined;
  });
}

/** What {@link fromOpenAITools} reads of a tool or of its `function`. */
interface ToolFields {
  function?: unknown;
  type?: unknown;
  name?: unknown;
  parameters?: unknown;
  input_schema?: unknown;
  description?: unknown;
}

const TOOL_KEYS = ['function', 'type', 'name', 'parameters', 'input_schema', 'description'];

/** A tool's fields, read directly and all at once, field by field only when a read throws (see `copyFields`). */
function toolFields(tool: object): ToolFields {
  try {
    const { function: fn, type, name, parameters, input_schema, description } = tool as ToolFields;
    return { function: fn, type, name, parameters, input_schema, description };
  } catch {
    return copyFields<ToolFields>(tool, TOOL_KEYS);
  }
}

/** A tool result: text when it is all text parts (Anthropic, OpenAI content arrays), otherwise as given. */
function toolResponse(content: unknown): unknown {
  if (!readArray(content)) return content;
  const texts: string[] = [];
  for (const part of fromOpenAIContent(content)) {
    if (part.type !== 'text') return content;
    texts.push(part.content);
  }
  return texts.join('');
}

/** An OpenAI tool call (`{id, function: {name, arguments}}`); `undefined` without a name. */
function toolCall(value: unknown): MessagePart | undefined {
  if (!isObject(value)) return undefined;
  let id: unknown;
  let name: unknown;
  let args: unknown;
  // Direct reads, field by field only when one throws (see `copyFields`).
  try {
    let fn: unknown;
    ({ id, function: fn } = value as { id?: unknown; function?: unknown });
    if (isObject(fn)) ({ name, arguments: args } = fn as { name?: unknown; arguments?: unknown });
  } catch {
    const fn = field(value, 'function');
    id = field(value, 'id');
    name = field(fn, 'name');
    args = field(fn, 'arguments');
  }
  const toolName = readString(name);
  if (!toolName) return undefined;
  return { type: 'tool_call', id: readString(id), name: toolName, arguments: args };
}

/** One content part, block or bare item; kinds with nothing readable give `undefined`. */
function fromPart(part: unknown): MessagePart | undefined {
  if (!isObject(part)) return undefined;
  const text = (key: string) => readString(field(part, key));
  switch (field(part, 'type')) {
    case 'tool_use':
      return { type: 'tool_call', id: text('id'), name: text('name') ?? 'unknown', arguments: field(part, 'input') };
    case 'function_call':
      return {
        type: 'tool_call',
        id: text('call_id') ?? text('id'),
        name: text('name') ?? 'unknown',
        arguments: field(part, 'arguments'),
      };
    case 'tool_result':
      return { type: 'tool_call_response', id: text('tool_use_id'), response: toolResponse(field(part, 'content')) };
    case 'thinking':
    case 'reasoning': {
      const summary = itemsOf(field(part, 'summary'))
        .map((entry) => readString(field(entry, 'text')))
        .filter((entry): entry is string => entry !== undefined)
        .join('\n');
      const content = text('thinking') ?? text('text') ?? (summary || undefined);
      return content ? { type: 'reasoning', content } : undefined;
    }
    case 'refusal': {
      const refusal = text('refusal');
      return refusal ? { type: 'text', content: refusal } : undefined;
    }
    case 'image_url':
    case 'input_image': {
      const image = field(part, 'image_url');
      return media('image', readString(image) ?? readString(field(image, 'url')), text('file_id'));
    }
    case 'image':
    case 'document': {
      const source = field(part, 'source');
      const modality = field(part, 'type') === 'image' ? 'image' : 'document';
      const data = readString(field(source, 'data'));
      if (field(source, 'type') === 'base64' && data) {
        return { type: 'blob', modality, mimeType: readString(field(source, 'media_type')), content: data };
      }
      return media(modality, readString(field(source, 'url')), readString(field(source, 'file_id')));
    }
    case 'input_audio': {
      const audio = field(part, 'input_audio');
      const data = readString(field(audio, 'data'));
      const format = readString(field(audio, 'format'));
      return data
        ? { type: 'blob', modality: 'audio', mimeType: format && `audio/${format}`, content: data }
        : undefined;
    }
    case 'file':
    case 'input_file': {
      const nested = field(part, 'file');
      const file = isObject(nested) ? nested : part;
      const reference = readString(field(file, 'file_data')) ?? readString(field(file, 'file_url'));
      return media('file', reference, readString(field(file, 'file_id')));
    }
    default: {
      const content = text('text');
      return content ? { type: 'text', content } : undefined;
    }
  }
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s;

/** A URL part: a `data:` URL becomes an inline blob, a provider file id a file reference. */
function media(modality: string, url: string | undefined, fileId: string | undefined): MessagePart | undefined {
  if (fileId) return { type: 'file', modality, fileId };
  if (!url) return undefined;
  const data = DATA_URL.exec(url);
  if (!data) return { type: 'uri', modality, uri: url };
  const mimeType = data[1];
  const kind = mimeType?.split('/')[0];
  return {
    type: 'blob',
    modality: kind === 'image' || kind === 'audio' || kind === 'video' ? kind : modality,
    mimeType,
    content: data[2] ?? '',
  };
}
