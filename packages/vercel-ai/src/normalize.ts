import type { MessagePart, Usage } from '@agentops/llm-callback-core';
import {
  copyFields,
  field,
  readArray,
  readCount,
  readString,
  safeIndex,
} from '@agentops/llm-callback-core/adapter-kit';

/*
 * Run-time normalization of the AI SDK's three provider spec versions: V2 (ai@5), V3 (ai@6) and V4 (ai@7), on top of
 * the core's defensive readers (`@agentops/llm-callback-core/adapter-kit`). Nothing here throws: a getter that throws
 * or a wrong type reads as `undefined`, so one bad field costs one attribute.
 */

/** Text content as given (empty strings included), or `undefined`; the core's `readString` drops empty strings. */
export function readText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A plain record (not an array), or `undefined`. */
export function readRecord(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || readArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/** Finish reason as `{unified, raw}`, whichever version produced it. */
export interface NormalizedFinishReason {
  /** The SDK's unified reason (`stop`, `length`, `tool-calls`, `content-filter`, `error`, `interrupted`, `other`). */
  unified?: string;
  /** The provider's own reason, when the SDK passed it on (V3+). */
  raw?: string;
}

/** V2 finish reasons are plain strings (`unknown` became `other` in V3); V3 and V4 use `{unified, raw}`. */
export function normalizeFinishReason(value: unknown): NormalizedFinishReason {
  if (typeof value === 'string') return value === 'unknown' ? { unified: 'other', raw: value } : { unified: value };
  let unified: unknown;
  let raw: unknown;
  try {
    ({ unified, raw } = value as NormalizedFinishReason);
  } catch {
    ({ unified, raw } = copyFields<NormalizedFinishReason>(value, FINISH_REASON_KEYS));
  }
  const reason: NormalizedFinishReason = {};
  const unifiedText = readString(unified);
  if (unifiedText !== undefined) reason.unified = unifiedText;
  const rawText = readString(raw);
  if (rawText !== undefined) reason.raw = rawText;
  return reason;
}

const FINISH_REASON_KEYS = ['unified', 'raw'];
const NESTED_COUNT_KEYS = ['total', 'cacheRead', 'cacheWrite', 'reasoning'];

/** The counts of a V3/V4 `inputTokens` / `outputTokens` object, read directly (field by field only if one throws). */
function nestedCounts(value: unknown): NestedCounts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const { total, cacheRead, cacheWrite, reasoning } = value as NestedCounts;
    return { total, cacheRead, cacheWrite, reasoning };
  } catch {
    return copyFields<NestedCounts>(value, NESTED_COUNT_KEYS);
  }
}

interface NestedCounts {
  total?: unknown;
  cacheRead?: unknown;
  cacheWrite?: unknown;
  reasoning?: unknown;
}

const USAGE_KEYS = ['inputTokens', 'outputTokens', 'totalTokens', 'cachedInputTokens', 'reasoningTokens'];

/**
 * Usage in the core's model. V2 is flat (`inputTokens: number`, `cachedInputTokens`, `reasoningTokens`,
 * `totalTokens`); V3/V4 nest it (`inputTokens: {total, noCache, cacheRead, cacheWrite}`,
 * `outputTokens: {total, text, reasoning}`) and have no total. Returns `undefined` when no count is known, so a
 * missing usage is recorded as missing rather than 0.
 */
export function normalizeUsage(value: unknown): Usage | undefined {
  let input: unknown;
  let output: unknown;
  let totalTokens: unknown;
  let cachedInputTokens: unknown;
  let reasoningTokens: unknown;
  // Direct reads, field by field only if one throws (see `copyFields`).
  try {
    ({
      inputTokens: input,
      outputTokens: output,
      totalTokens,
      cachedInputTokens,
      reasoningTokens,
    } = value as Record<string, unknown>);
  } catch {
    ({
      inputTokens: input,
      outputTokens: output,
      totalTokens,
      cachedInputTokens,
      reasoningTokens,
    } = copyFields<Record<string, unknown>>(value, USAGE_KEYS));
  }
  const nested = (input !== null && typeof input === 'object') || (output !== null && typeof output === 'object');
  const inputCounts = nested ? nestedCounts(input) : undefined;
  const outputCounts = nested ? nestedCounts(output) : undefined;
  const inputTokens = readCount(nested ? inputCounts?.total : input);
  const outputTokens = readCount(nested ? outputCounts?.total : output);
  const total = nested ? undefined : readCount(totalTokens);
  const usage: Usage = {};
  let known = false;
  if (inputTokens !== undefined) {
    usage.inputTokens = inputTokens;
    known = true;
  }
  if (outputTokens !== undefined) {
    usage.outputTokens = outputTokens;
    known = true;
  }
  if (total !== undefined) {
    usage.totalTokens = total;
    known = true;
  } else if (inputTokens !== undefined && outputTokens !== undefined) usage.totalTokens = inputTokens + outputTokens;
  const cacheRead = readCount(nested ? inputCounts?.cacheRead : cachedInputTokens);
  if (cacheRead !== undefined) {
    usage.cacheReadInputTokens = cacheRead;
    known = true;
  }
  const cacheWrite = nested ? readCount(inputCounts?.cacheWrite) : undefined;
  if (cacheWrite !== undefined) {
    usage.cacheCreationInputTokens = cacheWrite;
    known = true;
  }
  const reasoning = readCount(nested ? outputCounts?.reasoning : reasoningTokens);
  if (reasoning !== undefined) {
    usage.reasoningTokens = reasoning;
    known = true;
  }
  return known ? usage : undefined;
}

/**
 * One warning as text: V2 `unsupported-setting{setting}` / `unsupported-tool{tool}` / `other{message}`, V3/V4
 * `unsupported{feature}` / `compatibility{feature}` / `other{message}` and V4 `deprecated{setting, message}`.
 */
export function formatWarning(warning: unknown): string | undefined {
  const type = readString(field(warning, 'type'));
  if (type === undefined) return undefined;
  const message = readString(field(warning, 'message'));
  const details = readString(field(warning, 'details'));
  const tool = field(warning, 'tool');
  const subject =
    readString(field(warning, 'feature')) ??
    readString(field(warning, 'setting')) ??
    (tool === undefined ? undefined : (readString(field(tool, 'name')) ?? readString(field(tool, 'id'))));
  const text = [subject, message ?? details].filter((part) => part !== undefined).join(': ');
  return text ? `${type}: ${text}` : type;
}

/** All readable warnings of a list, or `undefined` when there are none. */
export function formatWarnings(value: unknown): string[] | undefined {
  const list = readArray(value);
  if (!list) return undefined;
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const text = formatWarning(safeIndex(list, i));
    if (text !== undefined) out.push(text);
  }
  return out.length > 0 ? out : undefined;
}

/** `image/png` → `image`; a V4 bare top-level type (`image`) stays as it is. */
export function modalityOf(mediaType: string | undefined): string {
  if (!mediaType) return 'file';
  const slash = mediaType.indexOf('/');
  return slash > 0 ? mediaType.slice(0, slash) : mediaType;
}

function urlString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.href;
  return undefined;
}

/**
 * A file as a message part. V4 tags its data (`{type: 'data' | 'url' | 'reference' | 'text'}`); V2/V3 and the SDK's
 * own `ModelMessage`s also pass bare bytes (`Uint8Array`, `ArrayBuffer`), a base64 string, a `URL` or a provider
 * reference (`{[provider]: fileId}`). Bytes are handed to the core as they are: it encodes them only if content is
 * recorded, within its length cap.
 */
export function mapFileData(data: unknown, mediaType: string | undefined): MessagePart | undefined {
  const modality = modalityOf(mediaType);
  const mime = mediaType?.includes('/') ? { mimeType: mediaType } : {};
  const bytes = inlineData(data);
  if (bytes !== undefined) return { type: 'blob', modality, content: bytes, ...mime };
  if (data instanceof URL) return { type: 'uri', modality, uri: data.href, ...mime };
  switch (field(data, 'type')) {
    case 'data': {
      const inner = inlineData(field(data, 'data'));
      return inner === undefined ? undefined : { type: 'blob', modality, content: inner, ...mime };
    }
    case 'url': {
      const uri = urlString(field(data, 'url')) ?? readString(field(data, 'originalUrl'));
      return uri === undefined ? undefined : { type: 'uri', modality, uri, ...mime };
    }
    case 'reference': {
      const fileId = referenceId(field(data, 'reference'));
      return fileId === undefined ? undefined : { type: 'file', modality, fileId, ...mime };
    }
    case 'text': {
      const text = readText(field(data, 'text'));
      return text === undefined ? undefined : { type: 'text', content: text };
    }
    case undefined: {
      // A bare provider reference, as `ModelMessage` file and image parts allow.
      const fileId = referenceId(data);
      return fileId === undefined ? undefined : { type: 'file', modality, fileId, ...mime };
    }
    default:
      return undefined;
  }
}

/** Inline data: bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`) or a base64 string. */
function inlineData(data: unknown): Uint8Array | string | undefined {
  if (data instanceof Uint8Array || typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : undefined;
}

/** `{[provider]: fileId}`: the first id is the provider's own upload. */
function referenceId(reference: unknown): string | undefined {
  const record = readRecord(reference);
  if (record === undefined) return undefined;
  try {
    return Object.values(record).find((id): id is string => typeof id === 'string' && id.length > 0);
  } catch {
    return undefined;
  }
}
