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

/** The first value that is not `undefined` or `null`. */
export function first(...values: unknown[]): unknown {
  for (const value of values) if (value !== undefined && value !== null) return value;
  return undefined;
}

/** Drops `undefined` fields so that merged events only carry what was read. */
export function compact<T extends object>(value: T): T {
  const result: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) result[key] = field;
  return result as T;
}

/** The object without `undefined` fields, or `undefined` when nothing is left (so a later event can fill it). */
export function nonEmpty<T extends object>(value: T): T | undefined {
  const result = compact(value);
  return Object.keys(result).length ? result : undefined;
}
