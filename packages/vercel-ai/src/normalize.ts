import type { MessagePart, Usage } from '@agentops/llm-callback-core';

/*
 * Run-time normalization of the AI SDK's three provider spec versions: V2 (ai@5), V3 (ai@6) and V4 (ai@7).
 * Everything here reads untyped values defensively and never throws: a getter that throws or a wrong type reads as
 * `undefined`, so one bad field costs one attribute.
 */

/** Reads `object[key]`, or `undefined` when that throws or `object` is not an object. */
export function field(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A string (empty strings included), or `undefined`. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A non-empty string, or `undefined`. */
export function readName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A finite number, or `undefined` (the AI SDK reports missing counts as `undefined`, some providers as `NaN`). */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A real array, or `undefined`; `Array.isArray` itself throws on a revoked Proxy. */
export function readArray(value: unknown): readonly unknown[] | undefined {
  try {
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The element at `index`, or `undefined` when reading it throws. */
export function at(array: readonly unknown[], index: number): unknown {
  try {
    return array[index];
  } catch {
    return undefined;
  }
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
  const unified = readName(field(value, 'unified'));
  const raw = readName(field(value, 'raw'));
  return { ...(unified !== undefined && { unified }), ...(raw !== undefined && { raw }) };
}

/**
 * Usage in the core's model. V2 is flat (`inputTokens: number`, `cachedInputTokens`, `reasoningTokens`,
 * `totalTokens`); V3/V4 nest it (`inputTokens: {total, noCache, cacheRead, cacheWrite}`,
 * `outputTokens: {total, text, reasoning}`) and have no total. Returns `undefined` when no count is known, so a
 * missing usage is recorded as missing rather than 0.
 */
export function normalizeUsage(value: unknown): Usage | undefined {
  const input = field(value, 'inputTokens');
  const output = field(value, 'outputTokens');
  const nested = (input !== null && typeof input === 'object') || (output !== null && typeof output === 'object');
  const usage: Usage = nested
    ? {
        inputTokens: readNumber(field(input, 'total')),
        outputTokens: readNumber(field(output, 'total')),
        cacheReadInputTokens: readNumber(field(input, 'cacheRead')),
        cacheCreationInputTokens: readNumber(field(input, 'cacheWrite')),
        reasoningTokens: readNumber(field(output, 'reasoning')),
      }
    : {
        inputTokens: readNumber(input),
        outputTokens: readNumber(output),
        totalTokens: readNumber(field(value, 'totalTokens')),
        cacheReadInputTokens: readNumber(field(value, 'cachedInputTokens')),
        reasoningTokens: readNumber(field(value, 'reasoningTokens')),
      };
  if (usage.totalTokens === undefined && usage.inputTokens !== undefined && usage.outputTokens !== undefined) {
    usage.totalTokens = usage.inputTokens + usage.outputTokens;
  }
  let known = false;
  for (const key of Object.keys(usage) as (keyof Usage)[]) {
    if (usage[key] === undefined) delete usage[key];
    else known = true;
  }
  return known ? usage : undefined;
}

/**
 * One warning as text: V2 `unsupported-setting{setting}` / `unsupported-tool{tool}` / `other{message}`, V3/V4
 * `unsupported{feature}` / `compatibility{feature}` / `other{message}` and V4 `deprecated{setting, message}`.
 */
export function formatWarning(warning: unknown): string | undefined {
  const type = readName(field(warning, 'type'));
  if (type === undefined) return undefined;
  const message = readName(field(warning, 'message'));
  const details = readName(field(warning, 'details'));
  const tool = field(warning, 'tool');
  const subject =
    readName(field(warning, 'feature')) ??
    readName(field(warning, 'setting')) ??
    (tool === undefined ? undefined : (readName(field(tool, 'name')) ?? readName(field(tool, 'id'))));
  const text = [subject, message ?? details].filter((part) => part !== undefined).join(': ');
  return text ? `${type}: ${text}` : type;
}

/** All readable warnings of a list, or `undefined` when there are none. */
export function formatWarnings(value: unknown): string[] | undefined {
  const list = readArray(value);
  if (!list) return undefined;
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const text = formatWarning(at(list, i));
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

const BASE64_CHUNK = 0x8000;

/** Largest byte array encoded to base64 for a span (64 KiB of base64, twice the core's default content cap). */
export const MAX_ENCODED_BYTES = 49_152;

/** Base64 of bytes without `Buffer`, so it also runs on edge runtimes. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  }
  return btoa(binary);
}

function urlString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.href;
  return undefined;
}

/**
 * A file as a message part. V4 tags its data (`{type: 'data' | 'url' | 'reference' | 'text'}`); V2/V3 pass a bare
 * `Uint8Array`, base64 string or `URL`. Redaction of the bytes (placeholders, size caps) is the core's job.
 */
export function mapFileData(data: unknown, mediaType: string | undefined): MessagePart | undefined {
  const modality = modalityOf(mediaType);
  const mime = mediaType?.includes('/') ? { mimeType: mediaType } : {};
  if (data instanceof Uint8Array) {
    // Past the core's default content cap the base64 would be cut anyway; skip encoding megabytes before the call.
    const content = data.byteLength <= MAX_ENCODED_BYTES ? bytesToBase64(data) : `[binary ${data.byteLength} bytes]`;
    return { type: 'blob', modality, content, ...mime };
  }
  if (typeof data === 'string') return { type: 'blob', modality, content: data, ...mime };
  if (data instanceof URL) return { type: 'uri', modality, uri: data.href, ...mime };
  switch (field(data, 'type')) {
    case 'data':
      return mapFileData(field(data, 'data'), mediaType);
    case 'url': {
      const uri = urlString(field(data, 'url')) ?? readName(field(data, 'originalUrl'));
      return uri === undefined ? undefined : { type: 'uri', modality, uri, ...mime };
    }
    case 'reference': {
      // `{reference: {[provider]: fileId}}`: the first id is the provider's own upload.
      const reference = readRecord(field(data, 'reference'));
      const fileId = reference ? Object.values(reference).find((id) => typeof id === 'string') : undefined;
      return typeof fileId === 'string' ? { type: 'file', modality, fileId, ...mime } : undefined;
    }
    case 'text': {
      const text = readString(field(data, 'text'));
      return text === undefined ? undefined : { type: 'text', content: text };
    }
    default:
      return undefined;
  }
}
