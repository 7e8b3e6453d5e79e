import type { Context, Span } from '@opentelemetry/api';
import type { ContentCapture, RunKind } from '../types.js';

/** One open call, run or session. */
export interface Entry {
  readonly key: string;
  readonly kind: 'llm' | RunKind | 'session';
  readonly owner: OwnerStats;
  readonly span: Span;
  /** Context with this entry's span active; children parent to it. */
  readonly context: Context;
  readonly recording: boolean;
  /** The entry that ends this one when it ends as a root (not always the OTel parent). */
  parent: Entry | undefined;
  children: Set<Entry> | undefined;
  readonly startMs: number;
  lastActivityMs: number;
  readonly ttlMs: number;
  readonly capture: ContentCapture;
  readonly sessionId: string | undefined;
  /** Set once, by whatever ends the entry first. */
  ended: boolean;
  /** Per-kind state the recorder keeps (event data, stream timing, pending merges). */
  readonly state: EntryState;
}

/** What the recorder needs to finish an entry; `finish` ends it as incomplete with a reason. */
export interface EntryState {
  finishIncomplete(entry: Entry, reason: string, endMs: number): void;
}

/** Counters of one recorder (or of sessions). */
export interface OwnerStats {
  started: number;
  ended: number;
  duplicates: number;
  unknownKeys: number;
  expired: number;
  evicted: number;
  open: number;
  readonly maxEntries: number;
  /** Whether ended keys are remembered, so that a late duplicate of an ended key is recognized. */
  readonly remembersEnded: boolean;
  /** Where the last eviction stopped in the registry's entries (see `evictOldest`). */
  evictionCursor: Iterator<Entry> | undefined;
}

export function newOwnerStats(maxEntries: number, remembersEnded = true): OwnerStats {
  return {
    started: 0,
    ended: 0,
    duplicates: 0,
    unknownKeys: 0,
    expired: 0,
    evicted: 0,
    open: 0,
    maxEntries,
    remembersEnded,
    evictionCursor: undefined,
  };
}

/** Process-wide state, on a global symbol so that ESM and CJS copies of the core share it. */
export interface Registry {
  readonly entries: Map<string, Entry>;
  /** Session entries by span (an entry's own context also carries it: see `entryContext`). */
  readonly bySpan: WeakMap<Span, Entry>;
  /**
   * Keys ended recently, for duplicate detection: key → end time (ms), in two generations. A full generation becomes
   * the older one and the older one is dropped whole, so nothing is ever deleted from a map: deletions leave a hash
   * table holding space for keys it no longer has, and it grows in steps when it is rebuilt.
   */
  recentlyEnded: Map<string, number>;
  olderEnded: Map<string, number>;
  /** Open session handles, oldest first. */
  readonly sessions: Entry[];
  sweepTimer: ReturnType<typeof setTimeout> | undefined;
  sweepAt: number;
  logLevelApplied: boolean;
}

// The suffix is the registry's shape: bumped when entries change, so that two core versions in one process never
// read each other's entries.
const REGISTRY_KEY = Symbol.for('@agentops/llm-callback-core/registry@2');

export function getRegistry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  let registry = holder[REGISTRY_KEY];
  if (!registry) {
    registry = {
      entries: new Map(),
      bySpan: new WeakMap(),
      recentlyEnded: new Map(),
      olderEnded: new Map(),
      sessions: [],
      sweepTimer: undefined,
      sweepAt: Number.POSITIVE_INFINITY,
      logLevelApplied: false,
    };
    holder[REGISTRY_KEY] = registry;
  }
  return registry;
}

/** Keys per generation: between 10,000 and 20,000 ended keys are remembered. */
const GENERATION_SIZE = 10_000;
const RECENT_MS = 10 * 60_000;

/** Remembers an ended key so that late duplicates are recognized, within bounds of count and age. */
export function rememberEnded(registry: Registry, key: string, now: number): void {
  const recent = registry.recentlyEnded;
  recent.set(key, now);
  if (recent.size >= GENERATION_SIZE) {
    registry.olderEnded = recent;
    registry.recentlyEnded = new Map();
  }
}

export function wasRecentlyEnded(registry: Registry, key: string, now: number): boolean {
  const endedAt = registry.recentlyEnded.get(key) ?? registry.olderEnded.get(key);
  return endedAt !== undefined && now - endedAt < RECENT_MS;
}

/** How many ended keys are remembered. */
export function rememberedCount(registry: Registry): number {
  return registry.recentlyEnded.size + registry.olderEnded.size;
}
