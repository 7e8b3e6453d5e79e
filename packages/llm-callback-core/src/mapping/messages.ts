import { field, readArray, readString, safeIndex } from '../internal/read.js';
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
    const normalized: NormalizedMessage = {
      role: readString(field(message, 'role')) ?? defaultRole,
      parts: normalizeParts(field(message, 'parts')),
    };
    const name = readString(field(message, 'name'));
    if (name) normalized.name = name;
    const finishReason = readString(field(message, 'finishReason'));
    if (finishReason) normalized.finishReason = finishReason;
    out.push(normalized);
  }
  return out;
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
  const type = field(part, 'type');
  switch (type) {
    case 'text':
    case 'reasoning': {
      const content = field(part, 'content');
      return typeof content === 'string' ? { type, content } : undefined;
    }
    case 'tool_call': {
      const call: MessagePart = {
        type,
        name: readString(field(part, 'name')) ?? 'unknown',
        arguments: field(part, 'arguments'),
      };
      const id = readString(field(part, 'id'));
      if (id) call.id = id;
      return call;
    }
    case 'tool_call_response': {
      const response: MessagePart = { type, response: field(part, 'response') };
      const id = readString(field(part, 'id'));
      if (id) response.id = id;
      return response;
    }
    case 'blob': {
      const raw = field(part, 'content');
      const content = raw instanceof Uint8Array ? (raw.length > 0 ? raw : undefined) : readString(raw);
      return content ? withMime({ type, modality: modalityOf(part), content }, part) : undefined;
    }
    case 'file': {
      const fileId = readString(field(part, 'fileId'));
      return fileId ? withMime({ type, modality: modalityOf(part), fileId }, part) : undefined;
    }
    case 'uri': {
      const uri = readString(field(part, 'uri'));
      return uri ? withMime({ type, modality: modalityOf(part), uri }, part) : undefined;
    }
    default:
      return undefined;
  }
}

function modalityOf(part: unknown): string {
  return readString(field(part, 'modality')) ?? 'image';
}

function withMime<T extends MessagePart & { mimeType?: string }>(normalized: T, part: unknown): T {
  const mimeType = readString(field(part, 'mimeType'));
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
