/**
 * Defensive readers for values that come from untyped payloads. They never throw: a getter that throws, a Proxy
 * or a wrong type reads as `undefined`.
 */

/** Reads `object[key]`, or `undefined` if that throws or `object` is not an object. */
export function field(object: unknown, key: string): unknown {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/**
 * A plain copy of `keys` read one by one with {@link field}: what a mapping reads instead of `object` when a direct
 * read of it threw (a throwing getter, a Proxy trap, `null`). Hot mappings read their fields directly (each call site
 * keeps its own inline cache, where `field`, shared by every caller, sees every shape and goes megamorphic) and read
 * all of them before they write anything, so that on a throw they start again on this copy with nothing half done.
 */
export function copyFields<T extends object>(object: unknown, keys: readonly string[]): T {
  const copy: Record<string, unknown> = {};
  for (const key of keys) copy[key] = field(object, key);
  return copy as T;
}

/** A non-empty string, or `undefined`. Numbers are turned into strings. */
export function readString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A finite number, or `undefined`. Numeric strings are accepted. */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A non-negative integer (token counts), or `undefined`. */
export function readCount(value: unknown): number | undefined {
  const n = readNumber(value);
  return n === undefined || n < 0 ? undefined : Math.round(n);
}

export function readBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A real array (a copy-free view), or `undefined`. Never iterates a Proxy that throws. */
export function readArray(value: unknown): readonly unknown[] | undefined {
  try {
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The array's strings, dropping anything else. */
export function readStringArray(value: unknown): string[] | undefined {
  const array = readArray(value);
  if (!array) return typeof value === 'string' && value ? [value] : undefined;
  const out: string[] = [];
  for (let i = 0; i < array.length; i++) {
    const s = readString(safeIndex(array, i));
    if (s !== undefined) out.push(s);
  }
  return out.length > 0 ? out : undefined;
}

export function safeIndex(array: readonly unknown[], index: number): unknown {
  try {
    return array[index];
  } catch {
    return undefined;
  }
}
