/**
 * The few defensive helpers `@agentops/llm-callback-core/adapter-kit` does not have yet (proposed for it). None of
 * them throws.
 */
import { field, readArray } from '@agentops/llm-callback-core/adapter-kit';

/** A plain object view of anything, for property reads. */
export type UnknownRecord = Record<string, unknown>;

/** True for objects (not arrays, not null). */
export function isRecord(value: unknown): value is UnknownRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a nested path, e.g. `path(x, 'function', 'name')`. */
export function path(object: unknown, ...keys: string[]): unknown {
  let current = object;
  for (const key of keys) current = field(current, key);
  return current;
}

/**
 * The first value `read` accepts among `keys` of `object`, e.g. `firstOf(params, readNumber, TOP_P_KEYS)`. The keys
 * are a list (a module constant at hot call sites), not rest arguments: no array per call.
 */
export function firstOf<T>(
  object: unknown,
  read: (value: unknown) => T | undefined,
  keys: readonly string[],
): T | undefined {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const value = read(field(object, keys[i] as string));
    if (value !== undefined) return value;
  }
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

/** The elements of a real array as a copy (`[]` otherwise), so that callers can map it: a hostile Proxy reads as empty. */
export function list(value: unknown): unknown[] {
  const array = readArray(value);
  if (!array) return [];
  // An index loop, not `Array.from`: no iterator per call, and holes still read as `undefined`.
  try {
    const copy: unknown[] = [];
    for (let i = 0; i < array.length; i++) copy.push(array[i]);
    return copy;
  } catch {
    return [];
  }
}

/** A non-empty string and nothing else (`readString` also turns numbers into strings; run ids are never numbers). */
export function readStringOnly(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `table[key]` for the table's own keys only: `constructor`, `__proto__` or `toString` must not read the prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * A log line's text for a thrown value. `String(error)` itself can throw (a null-prototype object, a throwing
 * `toString` or `Symbol.toPrimitive`), and a log line must never throw into the caller.
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${String(error.name)}: ${String(error.message)}`;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}

/**
 * Drops `undefined` properties, for values the core serializes as JSON (run inputs and outputs). Events need no
 * such copy: the core reads an `undefined` field as absent.
 */
export function compact<T extends object>(value: T): T {
  const out: UnknownRecord = {};
  for (const key of Object.keys(value)) {
    const item = (value as UnknownRecord)[key];
    if (item !== undefined) out[key] = item;
  }
  return out as T;
}

/** True when some own property of `value` (a plain object the adapter built) is not `undefined`. */
export function hasDefined(value: object): boolean {
  for (const key in value) if ((value as UnknownRecord)[key] !== undefined) return true;
  return false;
}
