/**
 * Attribute keys with an index in them (`gen_ai.prompt.3.content`), made once per index and kept. A key built afresh
 * on every call is a new string each time, and OpenTelemetry's `setAttribute` then pays a string-table lookup for it
 * on every use; a kept key pays that once.
 */

/** Indices past this are rare (a span keeps 128 attributes by default): their keys are built per call. */
const CACHED_INDICES = 256;

/** The keys under one indexed prefix, e.g. `gen_ai.prompt.3.`. */
export class IndexedKeys {
  private readonly keys = new Map<string, string>();
  private toolCalls: IndexedKeys[] | undefined;

  constructor(readonly prefix: string) {}

  /** `{prefix}{suffix}`, kept for each suffix asked for. */
  key(suffix: string): string {
    let key = this.keys.get(suffix);
    if (key === undefined) {
      key = `${this.prefix}${suffix}`;
      this.keys.set(suffix, key);
    }
    return key;
  }

  /** The keys of the `n`th tool call under this prefix (`{prefix}tool_calls.{n}.`). */
  toolCall(n: number): IndexedKeys {
    this.toolCalls ??= [];
    return keysAt(this.toolCalls, `${this.prefix}tool_calls.`, n);
  }
}

const byBase = new Map<string, IndexedKeys[]>();

/** The keys of index `i` under `base` (`gen_ai.prompt.`, `gen_ai.completion.`, `gen_ai.request.functions.`). */
export function indexedKeys(base: string, i: number): IndexedKeys {
  let list = byBase.get(base);
  if (list === undefined) {
    list = [];
    byBase.set(base, list);
  }
  return keysAt(list, base, i);
}

function keysAt(list: IndexedKeys[], base: string, i: number): IndexedKeys {
  // Past the kept indices (or not an index at all): keys for this call only.
  if (!Number.isInteger(i) || i < 0 || i >= CACHED_INDICES) return new IndexedKeys(`${base}${i}.`);
  let keys = list[i];
  if (keys === undefined) {
    keys = new IndexedKeys(`${base}${i}.`);
    list[i] = keys;
  }
  return keys;
}
