import type { RedactionContext } from '../types.js';
import { type Redactor, SCAN_MARGIN } from './redactor.js';

const MAX_DEPTH = 16;
const TRUNCATED = '…[truncated]';
// Room kept for closing brackets and markers, so the result stays close to the limit and always parses.
const RESERVE = 48;

/**
 * Serializes any value to JSON that always parses, whatever it holds: cycles, BigInt, symbols, functions, getters
 * that throw, Maps, Sets, binary data and huge strings. Every string goes through the redactor; dropped keys vanish
 * with their values; the output is cut to the content limit with visible markers.
 */
export function toSafeJson(value: unknown, redactor: Redactor, context: RedactionContext): string {
  const writer = new JsonWriter(redactor, context, redactor.maxContentLength - RESERVE);
  writer.write(value, 0);
  return writer.out;
}

/** Most values, and the longest JSON text, that `toSafeJsonRepeated` remembers per redactor. */
const REPEATED_ENTRIES = 512;
const REPEATED_MAX_TEXT = 16_384;
/** Values and keys looked at before a value counts as too big to remember (the writer stops at the content limit). */
const REPEATED_MAX_NODES = 2048;
const repeatedMemos = new WeakMap<Redactor, Map<string, string>>();

/**
 * {@link toSafeJson} for values that come back call after call (tool schemas): plain JSON data is looked up by its
 * JSON text in a bounded memo per redactor, and on a miss serialized from that text (parsed back), so that a result
 * is a function of the text alone. Anything else (Maps, class instances, cycles, deep or huge values) and a redactor
 * with a user hook (which sees more than the text) go through `toSafeJson` every time.
 */
export function toSafeJsonRepeated(value: unknown, redactor: Redactor, context: RedactionContext): string {
  if (redactor.hasHook || value === null || typeof value !== 'object') return toSafeJson(value, redactor, context);
  let text: string | undefined;
  try {
    text = plainJsonBudget(value, 0, REPEATED_MAX_NODES) >= 0 ? JSON.stringify(value) : undefined;
  } catch {
    text = undefined; // a getter or a Proxy that throws: the writer reports what it can read
  }
  if (text === undefined || text.length > REPEATED_MAX_TEXT) return toSafeJson(value, redactor, context);
  let memo = repeatedMemos.get(redactor);
  if (memo === undefined) {
    memo = new Map();
    repeatedMemos.set(redactor, memo);
  }
  let result = memo.get(text);
  if (result === undefined) {
    result = toSafeJson(JSON.parse(text), redactor, context);
    if (memo.size >= REPEATED_ENTRIES) memo.clear();
    memo.set(text, result);
  }
  return result;
}

/**
 * Whether `JSON.stringify` keeps everything `toSafeJson` would write: plain objects and arrays of primitives, not
 * deep enough for the depth marker, no `toJSON`, no BigInt, and no property JSON leaves out (`undefined`, functions,
 * symbols), since the writer counts those among the keys it cuts. Small, too: what is left of `budget` (values and
 * keys looked at, strings by their length in KB), or -1 for a value that is not plain or too big.
 */
function plainJsonBudget(value: unknown, depth: number, budget: number): number {
  let left = budget - 1;
  if (left < 0) return -1;
  if (typeof value === 'string') return value.length > REPEATED_MAX_TEXT ? -1 : left - (value.length >> 10);
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? -1 : left;
  // JSON.stringify calls `toJSON` on arrays too; toSafeJson writes an array's items.
  if (depth >= MAX_DEPTH - 1 || typeof (value as { toJSON?: unknown }).toJSON === 'function') return -1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && left >= 0; i++) left = plainJsonBudget(value[i], depth + 1, left);
    return left;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return -1;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const kind = typeof item;
    if (kind === 'undefined' || kind === 'function' || kind === 'symbol') return -1;
    left = plainJsonBudget(item, depth + 1, left - 1);
    if (left < 0) return -1;
  }
  return left;
}

/** Redacts and cuts a plain text value to the content limit, with a visible marker. */
export function toSafeText(value: string, redactor: Redactor, context: RedactionContext): string {
  const notScanned = Math.max(0, value.length - (redactor.maxContentLength + SCAN_MARGIN));
  const redacted = redactor.redactText(value, context);
  return truncateText(redacted, redactor.maxContentLength, redacted.length + notScanned);
}

/** Cuts `text` to `max` characters with a marker saying how much of `totalLength` was left out. */
export function truncateText(text: string, max: number, totalLength = text.length): string {
  if (text.length <= max) return text;
  const marker = `…[truncated ${totalLength - max} chars]`;
  return text.slice(0, Math.max(0, max - marker.length)) + marker;
}

class JsonWriter {
  out = '';
  private readonly ancestors: object[] = [];

  constructor(
    private readonly redactor: Redactor,
    private readonly context: RedactionContext,
    private readonly budget: number,
  ) {}

  private get full(): boolean {
    return this.out.length >= this.budget;
  }

  write(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.writeString(value);
        return;
      case 'number':
        this.out += Number.isFinite(value) ? String(value) : 'null';
        return;
      case 'boolean':
        this.out += value ? 'true' : 'false';
        return;
      case 'bigint':
        this.out += JSON.stringify(value.toString());
        return;
      case 'object':
        if (value === null) this.out += 'null';
        else this.writeObject(value, depth);
        return;
      default:
        this.out += 'null';
    }
  }

  private writeString(value: string): void {
    const notScanned = Math.max(0, value.length - (this.redactor.maxContentLength + SCAN_MARGIN));
    const text = this.redactor.redactText(value, this.context);
    const room = this.budget - this.out.length;
    this.out += JSON.stringify(
      text.length > room ? truncateText(text, Math.max(room, 32), text.length + notScanned) : text,
    );
  }

  private writeObject(value: object, depth: number): void {
    if (depth >= MAX_DEPTH) {
      this.out += '"[max depth]"';
      return;
    }
    if (this.ancestors.includes(value)) {
      this.out += '"[circular]"';
      return;
    }
    this.ancestors.push(value);
    const mark = this.out.length;
    try {
      this.writeObjectBody(value, depth);
    } catch {
      // Drop whatever this value had written (an opening bracket, some items) so the JSON stays valid.
      this.out = `${this.out.slice(0, mark)}"[unreadable]"`;
    } finally {
      this.ancestors.pop();
    }
  }

  private writeObjectBody(value: object, depth: number): void {
    if (value instanceof Date) {
      this.out += Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
      return;
    }
    if (value instanceof Error) {
      this.writeEntries(
        [
          ['name', value.name],
          ['message', value.message],
        ],
        depth,
      );
      return;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      this.out += JSON.stringify(`[binary ${value.byteLength} bytes]`);
      return;
    }
    if (Array.isArray(value)) {
      this.writeArray(value, depth);
      return;
    }
    if (value instanceof Set) {
      this.writeArray([...value], depth);
      return;
    }
    if (value instanceof Map) {
      this.writeEntries(
        [...value].map(([k, v]) => [String(k), v] as [string, unknown]),
        depth,
      );
      return;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      const converted: unknown = toJSON.call(value);
      if (converted !== value) {
        this.write(converted, depth + 1);
        return;
      }
    }
    this.writeKeys(value as Record<string, unknown>, Object.keys(value), depth);
  }

  /** A plain object's own keys, written as they are read (no list of entries is built). */
  private writeKeys(value: Record<string, unknown>, keys: readonly string[], depth: number): void {
    this.out += '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (this.redactor.isDroppedKey(key)) continue;
      let item: unknown;
      try {
        item = value[key];
      } catch {
        item = '[unreadable]';
      }
      const kind = typeof item;
      if (kind === 'undefined' || kind === 'function' || kind === 'symbol') continue;
      if (!first) this.out += ',';
      first = false;
      if (this.full) {
        let left = 0;
        for (let j = i; j < keys.length; j++) if (!this.redactor.isDroppedKey(keys[j] as string)) left++;
        this.out += `"…":${JSON.stringify(`${TRUNCATED} ${left} more keys`)}`;
        break;
      }
      this.out += `${JSON.stringify(key)}:`;
      this.write(item, depth + 1);
    }
    this.out += '}';
  }

  private writeArray(items: readonly unknown[], depth: number): void {
    this.out += '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.out += ',';
      if (this.full) {
        this.out += JSON.stringify(`${TRUNCATED} ${items.length - i} more items`);
        break;
      }
      let item: unknown;
      try {
        item = items[i];
      } catch {
        item = '[unreadable]';
      }
      this.write(item, depth + 1);
    }
    this.out += ']';
  }

  private writeEntries(entries: readonly [string, unknown][], depth: number): void {
    this.out += '{';
    let first = true;
    for (let i = 0; i < entries.length; i++) {
      const [key, item] = entries[i] as [string, unknown];
      const kind = typeof item;
      if (kind === 'undefined' || kind === 'function' || kind === 'symbol') continue;
      if (!first) this.out += ',';
      first = false;
      if (this.full) {
        this.out += `"…":${JSON.stringify(`${TRUNCATED} ${entries.length - i} more keys`)}`;
        break;
      }
      this.out += `${JSON.stringify(key)}:`;
      this.write(item, depth + 1);
    }
    this.out += '}';
  }
}
