/**
 * Defensive readers for LangChain payloads. Callback arguments are typed by LangChain but may come from another copy
 * of `@langchain/core`, from a custom model, or be malformed; none of these readers throws.
 */

/** A plain object view of anything, for property reads. */
export type UnknownRecord = Record<string, unknown>;

/** True for objects (not arrays, not null). */
export function isRecord(value: unknown): value is UnknownRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads `object[key]`; `undefined` when `object` is not an object or the getter throws. */
export function field(object: unknown, key: PropertyKey): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return (object as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Reads a nested path, e.g. `path(x, 'function', 'name')`. */
export function path(object: unknown, ...keys: string[]): unknown {
  let current = object;
  for (const key of keys) current = field(current, key);
  return current;
}

/** A non-empty string, or `undefined`. */
export function readString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A finite number, or `undefined`. */
export function readNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A non-negative integer (a token count), or `undefined`. */
export function readCount(value: unknown): number | undefined {
  const n = readNumber(value);
  return n === undefined || n < 0 ? undefined : Math.round(n);
}

/** The elements of a real array (a copy), or `[]`. A Proxy that throws reads as empty. */
export function readArray(value: unknown): unknown[] {
  try {
    return Array.isArray(value) ? Array.from(value) : [];
  } catch {
    return [];
  }
}

/** The strings of an array (or a single string as a one-element list), or `undefined` when there are none. */
export function readStringList(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value ? [value] : undefined;
  const out = readArray(value).filter((item): item is string => typeof item === 'string' && item.length > 0);
  return out.length > 0 ? out : undefined;
}

/** The first value that is not `undefined`. */
export function firstDefined<T>(...values: (T | undefined)[]): T | undefined {
  for (const value of values) if (value !== undefined) return value;
  return undefined;
}

/** Runs `read`, turning a throw into `undefined`, so one bad field drops one value. */
export function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Drops `undefined` properties so events carry only what was read. */
export function compact<T extends object>(value: T): T {
  const out: UnknownRecord = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}
