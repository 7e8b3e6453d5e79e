// LiteLLM-specific readers for the JSON it produces; the generic ones (readString, readNumber, readCount, readArray)
// come from @agentops/llm-callback-core/adapter-kit. A wrong type reads as `undefined`, never as an exception.

/** A plain object, or `undefined` (arrays, strings such as `"MaxDepthExceeded"`, null). */
export function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** LiteLLM's `safe_json_dumps` puts these strings where a value was too deep or cyclic. */
export function isMarker(value: unknown): boolean {
  return value === 'MaxDepthExceeded' || value === 'CircularReference Detected';
}

/** A boolean; `"true"`/`"false"` count (LiteLLM's v1 payloads stringify every value). */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'True') return true;
  if (value === 'false' || value === 'False') return false;
  return undefined;
}

/** Parses a string that holds a JSON object or array (payloads may carry them serialized); else `undefined`. */
export function parseJson(value: string): unknown {
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The first value that is not `undefined` or `null` (fixed arity: no array per call). */
export function first(a: unknown, b: unknown, c?: unknown, d?: unknown): unknown {
  const value = a ?? b ?? c ?? d;
  return value === null ? undefined : value;
}

/**
 * `value` when one of its fields is defined, else `undefined` (so that a later event can fill it). Fields left
 * `undefined` are read as absent by the core, so nothing is copied.
 */
export function nonEmpty<T extends object>(value: T): T | undefined {
  for (const key in value) if (value[key] !== undefined) return value;
  return undefined;
}
