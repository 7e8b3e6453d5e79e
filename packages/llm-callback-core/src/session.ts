import {
  type Attributes,
  type Context,
  context as contextApi,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { disabledByEnv } from './config.js';
import { reportFailure } from './internal/diag.js';
import { readString, readStringArray } from './internal/read.js';
import { nowMillis, toEpochMillis } from './internal/time.js';
import { closeEntry, currentSessionEntry, registerEntry, SESSION_CONTEXT_KEY } from './lifecycle/entries.js';
import { type Entry, type EntryState, getRegistry, newOwnerStats, type OwnerStats } from './lifecycle/registry.js';
import { sanitizeAttributeValue } from './mapping/attributes.js';
import { createRedactor, type Redactor } from './redaction/redactor.js';
import { ATTR } from './semconv.js';
import type { SessionEndState, SessionHandle, SessionOptions } from './types.js';
import { VERSION } from './version.js';

const sessionOwner: OwnerStats = newOwnerStats(Number.POSITIVE_INFINITY);

let reasonRedactor: Redactor | undefined;

// End reasons often carry error messages; they get the default secret rules like every other text.
function redactReason(reason: string): string {
  reasonRedactor ??= createRedactor();
  return reasonRedactor.redactText(reason, { attribute: ATTR.SESSION_END_REASON, spanKind: 'session' }).slice(0, 1024);
}

function newSessionId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

class SessionState implements EntryState {
  handle: Session | undefined;
  finishIncomplete(_entry: Entry, reason: string): void {
    this.handle?.end('Indeterminate', reason);
  }
}

class Session implements SessionHandle {
  constructor(
    readonly sessionId: string,
    readonly name: string,
    readonly context: Context,
    private readonly entry: Entry | undefined,
  ) {}

  get ended(): boolean {
    return this.entry === undefined || this.entry.ended;
  }

  end(state: SessionEndState = 'Success', reason?: string): void {
    try {
      const entry = this.entry;
      if (entry === undefined) return;
      const registry = getRegistry();
      const endMs = nowMillis();
      if (!closeEntry(registry, entry, 'session_ended', endMs)) return;
      const index = registry.sessions.indexOf(entry);
      if (index >= 0) registry.sessions.splice(index, 1);
      const endState: SessionEndState = state === 'Fail' || state === 'Indeterminate' ? state : 'Success';
      const span = entry.span;
      span.setAttribute(ATTR.SESSION_END_STATE, endState);
      const raw = readString(reason);
      const text = raw ? redactReason(raw) : undefined;
      if (text) span.setAttribute(ATTR.SESSION_END_REASON, text);
      if (endState === 'Success') span.setStatus({ code: SpanStatusCode.OK });
      if (endState === 'Fail') span.setStatus({ code: SpanStatusCode.ERROR, ...(text ? { message: text } : {}) });
      span.end(endMs);
    } catch (error) {
      reportFailure('session.end', error);
    }
  }
}

/**
 * Starts an AgentOps session: a `{name}.session` span that LLM calls and runs without another parent nest under.
 * By default it starts a new trace (AgentOps names a trace after its earliest span), linked to the span that was
 * active. End it with `end('Success' | 'Fail' | 'Indeterminate')`; that also ends anything still open under it.
 *
 * @example
 * ```ts
 * const session = startSession({ name: 'checkout-agent', tags: ['prod'] });
 * try {
 *   await runAgent();
 *   session.end('Success');
 * } catch (error) {
 *   session.end('Fail', String(error));
 *   throw error;
 * }
 * ```
 */
export function startSession(options: SessionOptions = {}): SessionHandle {
  const active = contextApi.active();
  try {
    const name = readString(options?.name) ?? 'session';
    const sessionId = readString(options?.sessionId) ?? newSessionId();
    if (disabledByEnv()) return new Session(sessionId, name, active, undefined);
    const provider = options.tracerProvider ?? trace.getTracerProvider();
    const tracer = provider.getTracer('@agentops/llm-callback-core', VERSION);
    const activeSpan = trace.getSpan(active);
    const nested = options.nested === true;
    const links: Link[] =
      !nested && activeSpan && isSpanContextValid(activeSpan.spanContext())
        ? [{ context: activeSpan.spanContext() }]
        : [];
    const parentContext = nested ? active : ROOT_CONTEXT;
    const startMs = toEpochMillis(options.startTime) ?? nowMillis();
    const attributes: Record<string, unknown> = {
      [ATTR.SPAN_KIND]: 'session',
      [ATTR.SESSION_ID]: sessionId,
      [ATTR.SESSION_ID_GENERAL]: sessionId,
      [ATTR.TAGS]: readStringArray(options.tags) ?? [],
    };
    for (const [key, value] of Object.entries(options.attributes ?? {})) attributes[key] = value;
    const clean: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) {
      const sanitized = sanitizeAttributeValue(value);
      if (sanitized !== undefined) clean[key] = sanitized;
    }
    // An empty tag list is still written: AgentOps reads tags from the trace's earliest span.
    clean[ATTR.TAGS] = (readStringArray(options.tags) ?? []) as string[];
    const span = tracer.startSpan(
      `${name}.session`,
      { kind: SpanKind.INTERNAL, attributes: clean, links, startTime: startMs },
      parentContext,
    );
    const state = new SessionState();
    const registry = getRegistry();
    let context = trace.setSpan(parentContext, span);
    const entry: Entry = {
      key: `session:${sessionId}:${startMs}`,
      kind: 'session',
      owner: sessionOwner,
      span,
      get context() {
        return context;
      },
      recording: span.isRecording(),
      parent: undefined,
      children: undefined,
      startMs,
      lastActivityMs: startMs,
      ttlMs: Number.POSITIVE_INFINITY,
      capture: 'none',
      sessionId,
      ended: false,
      state,
    };
    context = context.setValue(SESSION_CONTEXT_KEY, entry);
    registerEntry(registry, entry);
    registry.bySpan.set(span, entry);
    // Only implicit sessions are candidates for the "newest open session" fallback.
    if (options.implicit !== false) registry.sessions.push(entry);
    const handle = new Session(sessionId, name, context, entry);
    state.handle = handle;
    return handle;
  } catch (error) {
    reportFailure('startSession', error);
    return new Session(newSessionId(), 'session', active, undefined);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Runs `fn` inside a new session, with the session span active, and ends the session when `fn` returns or its
 * promise settles: `Success`, or `Fail` if it throws (the error is rethrown unchanged).
 *
 * @example
 * ```ts
 * const answer = await withSession({ name: 'support-bot', tags: ['beta'] }, async () => agent.invoke(question));
 * ```
 */
export function withSession<T>(options: SessionOptions, fn: (session: SessionHandle) => T): T {
  const session = startSession(options);
  let result: T;
  try {
    result = contextApi.with(session.context, fn, undefined, session);
  } catch (error) {
    session.end('Fail', errorText(error));
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        session.end('Success');
        return value;
      },
      (error: unknown) => {
        session.end('Fail', errorText(error));
        throw error;
      },
    ) as T;
  }
  session.end('Success');
  return result;
}

function errorText(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'error';
  }
}

/** The session of the active context, else the newest open one; `undefined` when there is none. */
export function getCurrentSession(): SessionHandle | undefined {
  try {
    const entry = currentSessionEntry();
    return entry ? (entry.state as SessionState).handle : undefined;
  } catch (error) {
    reportFailure('getCurrentSession', error);
    return undefined;
  }
}
