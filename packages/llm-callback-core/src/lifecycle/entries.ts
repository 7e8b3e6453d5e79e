import { type Context, context as contextApi, createContextKey, isSpanContextValid, trace } from '@opentelemetry/api';
import { reportFailure } from '../internal/diag.js';
import { nowMillis } from '../internal/time.js';
import { type Entry, getRegistry, type Registry, rememberEnded } from './registry.js';

/** Context key under which `withSession` and `startSession` keep the session entry. */
export const SESSION_CONTEXT_KEY = createContextKey('@agentops/llm-callback-core session');

// The same key @opentelemetry/core uses (createContextKey is Symbol.for-based), so `suppressTracing` is honoured
// without depending on the SDK.
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

// The API's own key of the active span (Symbol.for-based, like every context key).
const SPAN_CONTEXT_KEY = createContextKey('OpenTelemetry Context Key SPAN');
const ENTRY_CONTEXT_KEY = createContextKey('@agentops/llm-callback-core entry');

/**
 * The context of an entry: its parent with the entry's span active, and the entry itself for parent resolution.
 * The API's contexts copy all their parent's values into a new Map (and make three closures) on every `setValue`;
 * one is made per recorded call, so this one refers to its parent instead. Deriving a context from it (rare: other
 * instrumentation running under our span) makes that copy once, so lookups never walk more than the nesting of our
 * own spans.
 */
class EntryContext implements Context {
  private copy: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly entry: Entry,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_CONTEXT_KEY) return this.entry.span;
    if (key === ENTRY_CONTEXT_KEY) return this.entry;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.copied().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.copied().deleteValue(key);
  }

  /** The same values in a context of the parent's own kind. */
  private copied(): Context {
    if (this.copy === undefined)
      this.copy = this.parent.setValue(SPAN_CONTEXT_KEY, this.entry.span).setValue(ENTRY_CONTEXT_KEY, this.entry);
    return this.copy;
  }
}

/** The context with the entry's span active, in which its children start. */
export function entryContext(parent: Context, entry: Entry): Context {
  return new EntryContext(parent, entry);
}

export function isTracingSuppressed(ctx: Context): boolean {
  return ctx.getValue(SUPPRESS_TRACING_KEY) === true;
}

/** Where a new span goes: its parent context, the entry that owns it for cleanup, and the inherited session id. */
export interface ResolvedParent {
  context: Context;
  entry: Entry | undefined;
}

/**
 * Parent resolution, in order: the explicit parent key; the span active in the given (or current) context; the
 * current session; none (a root). A span from other instrumentation is a parent too; the session found in its
 * context still owns the new entry, so ending the session ends it.
 */
export function resolveParent(registry: Registry, parentKey: unknown, parentContext: unknown): ResolvedParent {
  if (typeof parentKey === 'string') {
    const parent = registry.entries.get(parentKey);
    if (parent && !parent.ended) return { context: parent.context, entry: parent };
  }
  const ctx = isContext(parentContext) ? parentContext : contextApi.active();
  const span = trace.getSpan(ctx);
  if (span && isSpanContextValid(span.spanContext())) {
    const entry = ctx.getValue(ENTRY_CONTEXT_KEY) as Entry | undefined;
    const owner = (entry?.span === span ? entry : registry.bySpan.get(span)) ?? sessionIn(ctx);
    return { context: ctx, entry: owner && !owner.ended ? owner : undefined };
  }
  const session = sessionIn(ctx) ?? newestOpenSession(registry);
  return session ? { context: session.context, entry: session } : { context: ctx, entry: undefined };
}

function isContext(value: unknown): value is Context {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Context).getValue === 'function' &&
    typeof (value as Context).setValue === 'function'
  );
}

function sessionIn(ctx: Context): Entry | undefined {
  const session = ctx.getValue(SESSION_CONTEXT_KEY) as Entry | undefined;
  return session && !session.ended ? session : undefined;
}

function newestOpenSession(registry: Registry): Entry | undefined {
  for (let i = registry.sessions.length - 1; i >= 0; i--) {
    const session = registry.sessions[i];
    if (session && !session.ended) return session;
  }
  return undefined;
}

/** The session of the given context, else the newest open one. */
export function currentSessionEntry(ctx: Context = contextApi.active()): Entry | undefined {
  return sessionIn(ctx) ?? newestOpenSession(getRegistry());
}

function childrenOf(entry: Entry): Set<Entry> {
  if (entry.children === undefined) entry.children = new Set();
  return entry.children;
}

/**
 * Adds an open entry: indexes it by key, links it to its parent for cleanup, enforces the capacity, arms the
 * sweeper. Sessions also index their span (`registry.bySpan`); calls and runs are found through their context.
 */
export function registerEntry(registry: Registry, entry: Entry): void {
  registry.entries.set(entry.key, entry);
  if (entry.parent) childrenOf(entry.parent).add(entry);
  entry.owner.started++;
  entry.owner.open++;
  if (entry.owner.open > entry.owner.maxEntries) evictOldest(registry, entry.owner);
  if (Number.isFinite(entry.ttlMs)) scheduleSweep(registry, entry.lastActivityMs + entry.ttlMs);
}

/**
 * Ends the owner's oldest open call or run. The map keeps insertion order, and a cursor kept from the last eviction
 * resumes there: walking from the front each time passed every slot deleted since the map's last rehash (thousands
 * under load), which made each eviction cost O(entries). Entries behind the cursor were evicted, ended, sessions or
 * another owner's; new entries are appended after it.
 */
function evictOldest(registry: Registry, owner: Entry['owner']): void {
  for (let pass = 0; pass < 2; pass++) {
    const cursor = owner.evictionCursor ?? registry.entries.values();
    owner.evictionCursor = cursor;
    for (let next = cursor.next(); !next.done; next = cursor.next()) {
      const entry = next.value;
      if (entry.owner !== owner || entry.kind === 'session' || entry.ended) continue;
      owner.evicted++;
      entry.state.finishIncomplete(entry, 'evicted', nowMillis());
      return;
    }
    // Past the last entry: start again from the front, once.
    owner.evictionCursor = undefined;
  }
}

/**
 * Takes an entry out of the open set, exactly once. Returns false if it had already ended. A root (no parent
 * entry, or a session as parent) ends its open descendants first; a non-root hands them to its parent, so that a
 * later root or session end still reaches them.
 */
export function closeEntry(registry: Registry, entry: Entry, reason: string, endMs: number): boolean {
  if (entry.ended) return false;
  entry.ended = true;
  if (registry.entries.get(entry.key) === entry) registry.entries.delete(entry.key);
  if (entry.owner.remembersEnded) rememberEnded(registry, entry.key, nowMillis());
  entry.owner.open--;
  // A Map iterator holds on to the table it walks, and a table replaced by a rehash keeps every entry it had: the
  // eviction cursor is let go as soon as evictions stop, so that ended entries are not kept alive through it.
  if (entry.owner.evictionCursor !== undefined && entry.owner.open < entry.owner.maxEntries >> 1)
    entry.owner.evictionCursor = undefined;
  entry.owner.ended++;
  const parent = entry.parent;
  parent?.children?.delete(entry);
  const children = entry.children;
  if (children && children.size > 0) {
    if (!parent || parent.kind === 'session' || entry.kind === 'session') endDescendants(entry, reason, endMs);
    else {
      entry.children = undefined;
      for (const child of children) {
        child.parent = parent;
        childrenOf(parent).add(child);
      }
    }
  }
  return true;
}

/** Ends every open descendant as incomplete, deepest first. */
function endDescendants(entry: Entry, reason: string, endMs: number): void {
  const children = entry.children;
  if (!children) return;
  entry.children = undefined;
  for (const child of children) {
    child.parent = undefined;
    try {
      child.state.finishIncomplete(child, reason, endMs);
    } catch (error) {
      reportFailure('ending a descendant', error);
    }
  }
}

function scheduleSweep(registry: Registry, deadline: number): void {
  if (deadline >= registry.sweepAt) return;
  if (registry.sweepTimer !== undefined) clearTimeout(registry.sweepTimer);
  registry.sweepAt = deadline;
  const timer = setTimeout(() => sweep(registry), Math.max(10, deadline - nowMillis()));
  (timer as { unref?: () => void }).unref?.();
  registry.sweepTimer = timer;
}

/** Ends entries idle past their TTL, then re-arms for the next deadline. Only runs while entries are open. */
export function sweep(registry: Registry): void {
  registry.sweepTimer = undefined;
  registry.sweepAt = Number.POSITIVE_INFINITY;
  const now = nowMillis();
  let next = Number.POSITIVE_INFINITY;
  for (const entry of registry.entries.values()) {
    if (entry.ended || !Number.isFinite(entry.ttlMs)) continue;
    const deadline = entry.lastActivityMs + entry.ttlMs;
    // An entry with open children is not idle (a long agent run whose LLM calls stream): its children expire on
    // their own when they go quiet, and then it can.
    if (entry.children !== undefined && entry.children.size > 0) {
      if (deadline < next) next = Math.max(deadline, now + 1000);
      continue;
    }
    if (deadline > now) {
      if (deadline < next) next = deadline;
      continue;
    }
    try {
      entry.owner.expired++;
      entry.state.finishIncomplete(entry, 'expired', entry.lastActivityMs);
    } catch (error) {
      reportFailure('expiring an entry', error);
    }
  }
  if (next !== Number.POSITIVE_INFINITY) scheduleSweep(registry, next);
}
