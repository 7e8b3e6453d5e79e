import { ATTR, type SessionEndState, type TimeInput } from '@agentops/llm-callback-core';
import { toEpochMillis } from '@agentops/llm-callback-core/adapter-kit';
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { VERSION } from './version.js';

/** Options of the handler's `callerSessions`: one session span per AgentOps session id that callers pass. */
export interface CallerSessionOptions {
  /**
   * A session with no new call for this long is ended (`Indeterminate`, reason `idle`); a later call with the same
   * id starts a new session span (a new trace) with that id. @default 300000 (5 minutes)
   */
  idleTimeoutMs?: number;
  /** Most sessions open at once; beyond it the least recently used one is ended. @default 1000 */
  maxOpen?: number;
  /** Session name: the span is `{name}.session`. @default 'litellm' */
  name?: string;
}

interface OpenSession {
  span: Span;
  context: Context;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Groups calls by the caller's AgentOps session id: the first call with an id starts a `{name}.session` span (a new
 * trace, starting when that call started) and later calls with the id become its children, until the session has
 * been idle for `idleTimeoutMs`. Bounded by `maxOpen`; `endAll()` ends every open session.
 *
 * The span carries the same keys as the core's `startSession`, but is not registered as a core session: the core
 * parents calls that have no parent of their own to the newest open session of the process, and in a receiver that
 * serves many callers those calls must stay roots. (Core gap: a session that is never an implicit parent.)
 */
export class CallerSessions {
  private readonly open = new Map<string, OpenSession>();
  private readonly idleTimeoutMs: number;
  private readonly maxOpen: number;
  private readonly name: string;
  private readonly tags: string[];

  constructor(
    options: CallerSessionOptions,
    tags: unknown,
    private readonly tracerProvider: TracerProvider | undefined,
  ) {
    this.idleTimeoutMs = positive(options.idleTimeoutMs) ?? 300_000;
    this.maxOpen = Math.floor(positive(options.maxOpen) ?? 1000);
    this.name = typeof options.name === 'string' && options.name ? options.name : 'litellm';
    this.tags = Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
  }

  /** The context of the session for `sessionId` (started if needed, at `startTime`); keeps it alive. */
  contextFor(sessionId: string, startTime: TimeInput | undefined): Context {
    let session = this.open.get(sessionId);
    // Re-inserted below: the map's order is least recently used first.
    this.open.delete(sessionId);
    if (!session) {
      while (this.open.size >= this.maxOpen) this.endOldest();
      session = this.start(sessionId, startTime);
    }
    this.open.set(sessionId, session);
    if (session.timer) clearTimeout(session.timer);
    const current = session;
    current.timer = setTimeout(() => this.end(sessionId, current, 'Indeterminate', 'idle'), this.idleTimeoutMs);
    // An idle session never keeps the process alive (unref is Node's; other runtimes lack it).
    (current.timer as { unref?: () => void }).unref?.();
    return session.context;
  }

  /** How many sessions are open. */
  get size(): number {
    return this.open.size;
  }

  /** Ends every open session with `state`. */
  endAll(state: SessionEndState): void {
    for (const [sessionId, session] of [...this.open]) this.end(sessionId, session, state);
  }

  private start(sessionId: string, startTime: TimeInput | undefined): OpenSession {
    const provider = this.tracerProvider ?? trace.getTracerProvider();
    const span = provider.getTracer('@agentops/litellm', VERSION).startSpan(
      `${this.name}.session`,
      {
        kind: SpanKind.INTERNAL,
        startTime: toEpochMillis(startTime) ?? Date.now(),
        attributes: {
          [ATTR.SPAN_KIND]: 'session',
          [ATTR.SESSION_ID]: sessionId,
          [ATTR.SESSION_ID_GENERAL]: sessionId,
          // Written even when empty: AgentOps reads a trace's tags from its earliest span.
          [ATTR.TAGS]: this.tags,
        },
      },
      ROOT_CONTEXT,
    );
    return { span, context: trace.setSpan(ROOT_CONTEXT, span), timer: undefined };
  }

  private endOldest(): void {
    const oldest = this.open.entries().next().value;
    if (oldest) this.end(oldest[0], oldest[1], 'Indeterminate', 'too many open sessions');
  }

  private end(sessionId: string, session: OpenSession, state: SessionEndState, reason?: string): void {
    if (session.timer) clearTimeout(session.timer);
    if (this.open.get(sessionId) !== session) return;
    this.open.delete(sessionId);
    const { span } = session;
    span.setAttribute(ATTR.SESSION_END_STATE, state);
    if (reason) span.setAttribute(ATTR.SESSION_END_REASON, reason);
    if (state === 'Success') span.setStatus({ code: SpanStatusCode.OK });
    if (state === 'Fail') span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
