import { copyFields, readArray, readString, safeIndex } from '../internal/read.js';
import type { MessagePart } from '../types.js';

/** A message read defensively from an event: role always set, unknown parts dropped. */
export interface NormalizedMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
  finishReason?: string;
}

const MAX_MESSAGES = 1000;
const MAX_PARTS = 1000;

export function normalizeMessages(raw: unknown, defaultRole: string): NormalizedMessage[] {
  const list = readArray(raw);
  if (!list) return [];
  const out: NormalizedMessage[] = [];
  const count = Math.min(list.length, MAX_MESSAGES);
  for (let i = 0; i < count; i++) {
    const message = safeIndex(list, i);
    if (message === null || typeof message !== 'object') continue;
    const { role, parts, name, finishReason } = messageFields(message);
    const normalized: NormalizedMessage = { role: readString(role) ?? defaultRole, parts: normalizeParts(parts) };
    const nameText = readString(name);
    if (nameText) normalized.name = nameText;
    const reason = readString(finishReason);
    if (reason) normalized.finishReason = reason;
    out.push(normalized);
  }
  return out;
}

// Messages and parts are read directly, each object's fields at once, and field by field only when a read throws
// (see `copyFields`): they are read for every message of every call that records content.

interface MessageFields {
  role?: unknown;
  parts?: unknown;
  name?: unknown;
  finishReason?: unknown;
}

const MESSAGE_KEYS = ['role', 'parts', 'name', 'finishReason'];

function messageFields(message: object): MessageFields {
  try {
    const { role, parts, name, finishReason } = message as MessageFields;
    return { role, parts, name, finishReason };
  } catch {
    return copyFields<MessageFields>(message, MESSAGE_KEYS);
  }
}

/** Every field a part of any type has; a part's own type says which ones count. */
interface PartFields {
  type?: unknown;
  content?: unknown;
  name?: unknown;
  arguments?: unknown;
  id?: unknown;
  response?: unknown;
  fileId?: unknown;
  uri?: unknown;
  modality?: unknown;
  mimeType?: unknown;
}

const PART_KEYS = ['type', 'content', 'name', 'arguments', 'id', 'response', 'fileId', 'uri', 'modality', 'mimeType'];

function partFields(part: unknown): PartFields {
  if (part === null || typeof part !== 'object') return {};
  try {
    const { type, content, name, arguments: args, id, response, fileId, uri, modality, mimeType } = part as PartFields;
    return { type, content, name, arguments: args, id, response, fileId, uri, modality, mimeType };
  } catch {
    return copyFields<PartFields>(part, PART_KEYS);
  }
}

function normalizeParts(raw: unknown): MessagePart[] {
  if (typeof raw === 'string') return [{ type: 'text', content: raw }];
  const list = readArray(raw);
  if (!list) return [];
  const parts: MessagePart[] = [];
  const count = Math.min(list.length, MAX_PARTS);
  for (let i = 0; i < count; i++) {
    const part = normalizePart(safeIndex(list, i));
    if (part) parts.push(part);
  }
  return parts;
}

function normalizePart(part: unknown): MessagePart | undefined {
  if (typeof part === 'string') return { type: 'text', content: part };
  const fields = partFields(part);
  const type = fields.type;
  switch (type) {
    case 'text':
    case 'reasoning': {
      const content = fields.content;
      return typeof content === 'string' ? { type, content } : undefined;
    }
    case 'tool_call': {
      const call: MessagePart = { type, name: readString(fields.name) ?? 'unknown', arguments: fields.arguments };
      const id = readString(fields.id);
      if (id) call.id = id;
      return call;
    }
    case 'tool_call_response': {
      const response: MessagePart = { type, response: fields.response };
      const id = readString(fields.id);
      if (id) response.id = id;
      return response;
    }
    case 'blob': {
      const raw = fields.content;
      const content = raw instanceof Uint8Array ? (raw.length > 0 ? raw : undefined) : readString(raw);
      return content ? withMime({ type, modality: modalityOf(fields), content }, fields) : undefined;
    }
    case 'file': {
      const fileId = readString(fields.fileId);
      return fileId ? withMime({ type, modality: modalityOf(fields), fileId }, fields) : undefined;
    }
    case 'uri': {
      const uri = readString(fields.uri);
      return uri ? withMime({ type, modality: modalityOf(fields), uri }, fields) : undefined;
    }
    default:
      return undefined;
  }
}

function modalityOf(part: PartFields): string {
  return readString(part.modality) ?? 'image';
}

function withMime<T extends MessagePart & { mimeType?: string }>(normalized: T, part: PartFields): T {
  const mimeType = readString(part.mimeType);
  if (mimeType) normalized.mimeType = mimeType;
  return normalized;
}

/** The text of a message's text parts, joined; `undefined` when it has none. */
export function joinedText(parts: readonly MessagePart[], type: 'text' | 'reasoning' = 'text'): string | undefined {
  let text: string | undefined;
  for (const part of parts) {
    if (part.type !== type) continue;
    text = text === undefined ? part.content : `${text}\n${part.content}`;
  }
  return text;
}
